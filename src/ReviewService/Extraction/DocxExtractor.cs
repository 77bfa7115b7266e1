using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ReviewService.Extraction;

/// <summary>DOCX through the Open XML SDK: the body's paragraphs, one per line. The package is inspected before it is opened.</summary>
public sealed class DocxExtractor(ExtractionOptions options) : IFormatExtractor
{
    /// <summary>The Open XML SDK loads a part recursively: nesting much deeper overflows the stack, which ends the process.</summary>
    const int MaxXmlDepth = 512;
    /// <summary>A Word document has tens to hundreds of parts; the zip directory of a flood of entries costs memory to hold.</summary>
    const int MaxEntries = 10_000;

    public string ContentType => "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public IReadOnlyList<string> Extensions { get; } = [".docx"];

    public ExtractionResult Extract(ReadOnlyMemory<byte> content)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        if (InspectPackage(stream) is { } refused)
        {
            return refused;
        }
        try
        {
            stream.Position = 0;
            using var word = WordprocessingDocument.Open(stream, false, new OpenSettings
            {
                MaxCharactersInPart = options.MaxDecompressedBytes,
                AutoSave = false,
            });
            if (word.MainDocumentPart is { } main && TooDeep(main))
            {
                return Invalid($"its document.xml nests elements more than {MaxXmlDepth} deep");
            }
            var body = word.MainDocumentPart?.Document?.Body;
            if (body is null)
            {
                return Invalid("it has no document body");
            }
            var text = new StringBuilder();
            foreach (var paragraph in body.Descendants<Paragraph>())
            {
                AppendParagraph(paragraph, text);
                text.Append("\n\n");
                if (text.Length > options.MaxTextCharacters)
                {
                    return new Failure(FailureKind.TooLarge, "Too much text", $"The DOCX holds more than {options.MaxTextCharacters} characters of text.");
                }
            }
            return new ExtractedDocument(text.ToString().Trim(), "docx", [0]);
        }
        catch (Exception e) when (e is OpenXmlPackageException or XmlException or InvalidDataException or FileFormatException or IOException or InvalidOperationException)
        {
            return Invalid($"its content cannot be read ({e.GetType().Name})");
        }
    }

    /// <summary>Refuses zip bombs and hostile entry names by reading the zip directory, before any part is decompressed.</summary>
    Failure? InspectPackage(Stream stream)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (ZipDefences.Inspect(zip, MaxEntries, options.MaxDecompressedBytes, "DOCX", Invalid) is { } refused)
            {
                return refused;
            }
            return zip.GetEntry("word/document.xml") is null && !zip.Entries.Any(e => e.FullName.EndsWith("document.xml", StringComparison.Ordinal))
                ? Invalid("it has no word/document.xml part")
                : null;
        }
        catch (InvalidDataException)
        {
            return Invalid("it is not a zip package");
        }
    }

    /// <summary>Reads the part once with a flat reader (no DTDs), before the SDK builds its tree.</summary>
    static bool TooDeep(OpenXmlPart part)
    {
        using var reader = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read),
            new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        while (reader.Read())
        {
            if (reader.Depth > MaxXmlDepth)
            {
                return true;
            }
        }
        return false;
    }

    static void AppendParagraph(Paragraph paragraph, StringBuilder text)
    {
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
            }
        }
    }

    static Failure Invalid(string why) => Failure.Unprocessable("Invalid DOCX", $"The file is not a valid DOCX package: {why}. Save it again from Word or LibreOffice and resubmit.");
}
