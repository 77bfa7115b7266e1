using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace ReviewService.Extraction;

/// <summary>HTML: the visible text of the body, one line per block element; scripts, styles and the head are dropped.</summary>
public sealed class HtmlExtractor(ExtractionOptions options) : IFormatExtractor
{
    static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
        { "script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math" };

    static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
        "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "hr", "address", "aside", "main", "nav", "figure",
    };

    public string ContentType => "text/html";
    public IReadOnlyList<string> Extensions { get; } = [".html", ".htm"];

    public ExtractionResult Extract(ReadOnlyMemory<byte> content)
    {
        var (html, failure) = TextDecoding.Decode(content.Span, "HTML document");
        if (failure is not null)
        {
            return failure;
        }
        // The parser is quadratic in unclosed or deeply nested tags (100,000 nested <b> take minutes); it honours cancellation.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.MaxHtmlParseSeconds));
        IHtmlDocument document;
        try
        {
            document = new HtmlParser(new HtmlParserOptions { IsScripting = false }).ParseDocumentAsync(html!, timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return Failure.Unprocessable("HTML too complex",
                $"The HTML could not be parsed within {options.MaxHtmlParseSeconds:0.#} s: it nests elements too deeply or leaves too many tags open. Submit the document as plain text, PDF or DOCX.");
        }
        var text = new StringBuilder();
        Append(document.Body ?? (INode)document, text);
        return new ExtractedDocument(Tidy(text), "html", [0]);
    }

    static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    AppendCollapsed(t.Data, text);
                    break;
                case IElement e when Skipped.Contains(e.LocalName):
                    break;
                case IElement e:
                    var block = Blocks.Contains(e.LocalName);
                    if (block)
                    {
                        NewLine(text);
                    }
                    if (e.LocalName is "td" or "th" && text.Length > 0 && text[^1] is not ('\n' or '\t'))
                    {
                        text.Append('\t');
                    }
                    Append(e, text);
                    if (block)
                    {
                        NewLine(text);
                    }
                    break;
            }
        }
    }

    static void AppendCollapsed(string data, StringBuilder text)
    {
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && !char.IsWhiteSpace(text[^1]))
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c);
            }
        }
    }

    static void NewLine(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }
    }

    // Paragraphs are separated by a blank line, as in the plain-text contracts the policies are written against.
    static string Tidy(StringBuilder text) => text.ToString().Trim().Replace("\n", "\n\n", StringComparison.Ordinal);
}
