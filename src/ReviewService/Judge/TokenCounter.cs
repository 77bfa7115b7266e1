using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace ReviewService.Judge;

/// <summary>
/// Counts tokens the way the configured model does: the model's own tiktoken encoding when Microsoft.ML.Tokenizers knows
/// the model name (gpt-4o, gpt-4.1, gpt-4, gpt-3.5, o1, ...), otherwise <see cref="LlmOptions.Encoding"/> (o200k_base
/// unless set): for other model families (Llama, Qwen, Mistral) the count is that encoding's, an approximation.
/// The prompt budget, retrieval's passage budget and the usage of a reply without <c>usage</c> all count with it.
/// </summary>
public sealed class TokenCounter
{
    readonly Tokenizer _tokenizer;

    public TokenCounter(IOptions<LlmOptions> options) : this(options.Value.Model, options.Value.Encoding)
    {
    }

    public TokenCounter(string? model, string encoding = LlmOptions.DefaultEncoding)
    {
        (_tokenizer, Encoding) = Create(model, encoding);
    }

    /// <summary>Which encoding counts: "gpt-4o-mini's own", or the configured one (<c>o200k_base</c>, <c>cl100k_base</c>).</summary>
    public string Encoding { get; }

    public int Count(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : _tokenizer.CountTokens(text);

    static (Tokenizer, string) Create(string? model, string encoding)
    {
        if (!string.IsNullOrWhiteSpace(model))
        {
            try
            {
                return (TiktokenTokenizer.CreateForModel(model), $"{model}'s own");
            }
            catch (NotSupportedException)
            {
                // Not an OpenAI model name: the configured encoding counts instead.
            }
        }
        return (TiktokenTokenizer.CreateForEncoding(encoding), encoding);
    }
}
