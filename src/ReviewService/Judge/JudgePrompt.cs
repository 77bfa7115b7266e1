using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;
using ReviewService.Decisions;
using ReviewService.Policies;

namespace ReviewService.Judge;

/// <summary>What one call sends: the checks with passages, the arguments of the prompt template, and the prompt's tokens as the model's tokenizer counts them.</summary>
public sealed record JudgeRequest(IReadOnlyList<CheckFinding> Checks, KernelArguments Arguments, int PromptTokens, string DataStart, string DataEnd);

/// <summary>
/// The judge's prompt: a Semantic Kernel template loaded from <c>prompts/</c> at startup, versioned by a content hash.
/// Document passages go only between two marker lines carrying a random nonce that a document cannot guess, and that the
/// system message declares to be data.
/// </summary>
public sealed partial class JudgePrompt
{
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

    /// <summary>Tokens each passage adds besides its text: its number line and the blank line after it.</summary>
    public const int PassageOverheadTokens = 6;

    /// <summary>
    /// Numbers the candidate passages (a passage two checks share once) and lists each check with its passages, most severe
    /// checks first. Everything the retrieval stage chose is sent: it chose within the budget (<see cref="OverheadTokens"/>).
    /// A check with no passage is not sent.
    /// </summary>
    public JudgeRequest Build(Policy policy, IEnumerable<CheckFinding> undetermined, TokenCounter tokens)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var (dataStart, dataEnd) = ($"BEGIN DOCUMENT DATA {nonce}", $"END DOCUMENT DATA {nonce}");
        var checks = new StringBuilder();
        var passages = new StringBuilder();
        var numbers = new Dictionary<(int, int), int>();
        var sent = new List<CheckFinding>();
        foreach (var finding in undetermined.Where(f => f.Candidates.Count > 0).OrderByDescending(f => Severity.Rank(policy.Checks[f.Check].Severity)))
        {
            var ids = new List<int>();
            foreach (var passage in finding.Candidates)
            {
                if (!numbers.TryGetValue((passage.Start, passage.End), out var number))
                {
                    number = numbers[(passage.Start, passage.End)] = numbers.Count + 1;
                    passages.Append(CultureInfo.InvariantCulture, $"[P{number}]\n{Sanitize(passage.Text)}\n\n");
                }
                ids.Add(number);
            }
            checks.Append(Header(policy.Checks[finding.Check])).AppendJoin(", ", ids.Select(i => $"P{i}")).Append('\n');
            sent.Add(finding);
        }
        var arguments = new KernelArguments
        {
            ["checks"] = checks.ToString().TrimEnd(),
            ["passages"] = passages.ToString().TrimEnd(),
            ["dataStart"] = dataStart,
            ["dataEnd"] = dataEnd,
        };
        var count = TemplateTokens(tokens) + tokens.Count(checks.ToString()) + tokens.Count(passages.ToString());
        return new JudgeRequest(sent, arguments, count, dataStart, dataEnd);
    }

    /// <summary>The prompt's tokens besides the passages' text: the template, its two marker lines and each check's header.</summary>
    public int OverheadTokens(Policy policy, IEnumerable<string> checks, TokenCounter tokens) =>
        TemplateTokens(tokens) + checks.Sum(c => tokens.Count(Header(policy.Checks[c])) + PassageListTokens);

    // Room for a check's list of passage numbers ("P1, P12, ...").
    const int PassageListTokens = 24;

    // Counted once per tokenizer, not twice a review (retrieval's budget, then the request).
    CountedTemplate? _templateTokens;

    int TemplateTokens(TokenCounter tokens)
    {
        if (_templateTokens is { } counted && counted.Counter == tokens)
        {
            return counted.Tokens;
        }
        var count = tokens.Count(Template) + 2 * tokens.Count("BEGIN DOCUMENT DATA 0123456789abcdef");
        _templateTokens = new CountedTemplate(tokens, count);
        return count;
    }

    sealed record CountedTemplate(TokenCounter Counter, int Tokens);

    static string Header(CheckDefinition check) => $"- check: {check.Name}\n  title: {check.Title}\n  question: {check.Question}\n  passages: ";

    /// <summary>Removes anything that looks like a data marker, so a passage cannot pretend the data block ended.</summary>
    public static string Sanitize(string passage) => MarkerLike().Replace(passage, "[marker removed]");

    [GeneratedRegex(@"(BEGIN|END)\s+DOCUMENT\s+DATA", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkerLike();
}
