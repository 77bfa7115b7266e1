using System.Text;
using ReviewService.Policies;

namespace ReviewService.Benchmarks;

/// <summary>The contract-review policy (from the repository's rules folder) and every cuad-dev contract text, in memory.</summary>
public sealed class Corpus
{
    public const string PolicyName = "contract-review";

    Corpus(Policy policy, IReadOnlyList<string> texts)
    {
        Policy = policy;
        Texts = texts;
        Bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
    }

    public Policy Policy { get; }
    public IReadOnlyList<string> Texts { get; }
    /// <summary>Total UTF-8 size of the texts.</summary>
    public long Bytes { get; }

    /// <summary>
    /// Loads <c>rules/contract-review</c> and <c>$CUAD_DIR/contracts/*.txt</c>; <c>CUAD_DIR</c> defaults to
    /// <c>../shared/datasets/cuad-dev</c>, relative to the repository root (the folder holding ReviewService.sln).
    /// </summary>
    public static Corpus Load()
    {
        var root = RepositoryRoot();
        var policy = PolicyLoader.Load(Path.Combine(root, "rules", PolicyName));
        var dataset = Environment.GetEnvironmentVariable("CUAD_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir, root)
            : Path.GetFullPath(Path.Combine(root, "..", "shared", "datasets", "cuad-dev"));
        var contracts = Path.Combine(dataset, "contracts");
        if (!Directory.Exists(contracts))
        {
            throw new DirectoryNotFoundException($"No contracts folder at {contracts}; set CUAD_DIR to the cuad-dev dataset.");
        }
        var texts = Directory.GetFiles(contracts, "*.txt").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        return new Corpus(policy, texts);
    }

    static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ReviewService.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException("ReviewService.sln not found above the working directory or the binaries.");
    }
}
