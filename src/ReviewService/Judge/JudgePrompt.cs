using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;
using ReviewService.Policies;
using ReviewService.Rules;

namespace ReviewService.Judge;

/// <summary>What one call sends: the checks that fit the token budget and the arguments of the prompt template.</summary>
public sealed record JudgeRequest(IReadOnlyList<CheckFinding> Checks, KernelArguments Arguments, int EstimatedTokens, string DataStart, string DataEnd);

/// <summary>
/// The judge's prompt: a Semantic Kernel template loaded from <c>prompts/</c> at startup, versioned by a content hash.
/// Document passages go only between two marker lines carrying a random nonce that a document cannot guess, and that the
/// system message declares to be data.
/// </summary>
public sealed partial class JudgePrompt
{
    const int CharsPerToken = 4;
    static readonly string[] Variables = ["$checks", "$passages", "$dataStart", "$dataEnd"];

    JudgePrompt(string template, string version)
    {
        Template = template;
        Version = version;
        Function = KernelFunctionFactory.CreateFromPrompt(
            new PromptTemplateConfig(template) { Name = "judge", TemplateFormat = PromptTemplateConfig.SemanticKernelTemplateFormat },
            new KernelPromptTemplateFactory());
    }

    public string Template { get; }
    /// <summary>The first 12 hex digits of the SHA-256 of the template, stamped on every finding the judge decides.</summary>
    public string Version { get; }
    public KernelFunction Function { get; }

    public static JudgePrompt Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The judge's prompt template '{path}' is missing (Llm:PromptFile).", path);
        }
        var template = File.ReadAllText(path);
        foreach (var variable in Variables.Where(v => !template.Contains("{{" + v + "}}", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The judge's prompt template '{path}' must use {{{{{variable}}}}}.");
        }
        return new JudgePrompt(template, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)))[..12]);
    }

    /// <summary>
    /// Numbers the candidate passages (shared ones once) and lists each check with its passages, most severe checks first,
    /// leaving out what does not fit <paramref name="maxTokens"/>; a check with no passage left is not sent.
    /// </summary>
    public JudgeRequest Build(Policy policy, IEnumerable<CheckFinding> undetermined, int maxTokens)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var (dataStart, dataEnd) = ($"BEGIN DOCUMENT DATA {nonce}", $"END DOCUMENT DATA {nonce}");
        var budget = maxTokens * CharsPerToken - Template.Length - 2 * dataStart.Length;
        var checks = new StringBuilder();
        var passages = new StringBuilder();
        var numbers = new Dictionary<(int, int), int>();
        var sent = new List<CheckFinding>();
        foreach (var finding in undetermined.OrderBy(f => SeverityRank(policy.Checks[f.Check].Severity)))
        {
            var definition = policy.Checks[finding.Check];
            var header = $"- check: {definition.Name}\n  title: {definition.Title}\n  question: {definition.Question}\n  passages: ";
            var ids = new List<int>();
            var added = new StringBuilder();
            foreach (var passage in finding.Candidates)
            {
                if (numbers.TryGetValue((passage.Start, passage.End), out var known))
                {
                    ids.Add(known);
                    continue;
                }
                var block = $"[P{numbers.Count + 1}]\n{Sanitize(passage.Text)}\n\n";
                if (checks.Length + passages.Length + added.Length + header.Length + block.Length + 16 > budget)
                {
                    break;
                }
                numbers[(passage.Start, passage.End)] = numbers.Count + 1;
                ids.Add(numbers.Count);
                added.Append(block);
            }
            if (ids.Count == 0 || checks.Length + passages.Length + added.Length + header.Length + 16 > budget)
            {
                continue;
            }
            passages.Append(added);
            checks.Append(header).AppendJoin(", ", ids.Select(i => $"P{i}")).Append('\n');
            sent.Add(finding);
        }
        var arguments = new KernelArguments
        {
            ["checks"] = checks.ToString().TrimEnd(),
            ["passages"] = passages.ToString().TrimEnd(),
            ["dataStart"] = dataStart,
            ["dataEnd"] = dataEnd,
        };
        var tokens = (Template.Length + checks.Length + passages.Length + 2 * dataStart.Length) / CharsPerToken;
        return new JudgeRequest(sent, arguments, tokens, dataStart, dataEnd);
    }

    /// <summary>Removes anything that looks like a data marker, so a passage cannot pretend the data block ended.</summary>
    public static string Sanitize(string passage) => MarkerLike().Replace(passage, "[marker removed]");

    static int SeverityRank(string severity) => severity switch { "high" => 0, "medium" => 1, _ => 2 };

    [GeneratedRegex(@"(BEGIN|END)\s+DOCUMENT\s+DATA", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkerLike();
}
