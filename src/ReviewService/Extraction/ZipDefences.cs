using System.IO.Compression;

namespace ReviewService.Extraction;

/// <summary>
/// The checks every zip the service opens passes before any entry is decompressed (a DOCX package, a batch of documents):
/// entry count, entry paths, declared total size and compression ratio. Declared sizes can lie, so whoever reads an entry
/// also bounds what it actually inflates (<see cref="ReadBoundedAsync"/>, or the Open XML SDK's part limit).
/// </summary>
public static class ZipDefences
{
    /// <summary>
    /// Real documents inflate a few times (the fixture contract.docx: 4.3 at most per entry); the hostile corpus's bombs about 1,020
    /// (DEFLATE's limit is about 1,032), its 200,000-deep XML 405. Above 500 an entry is refused as a bomb.
    /// </summary>
    public const int MaxCompressionRatio = 500;

    /// <summary>Why the zip must not be opened further (<paramref name="what"/> names it: "DOCX", "zip"), or null.</summary>
    public static Failure? Inspect(ZipArchive zip, int maxEntries, long maxTotalBytes, string what, Func<string, Failure> invalid)
    {
        if (zip.Entries.Count > maxEntries)
        {
            return invalid($"it has {zip.Entries.Count} entries; the limit is {maxEntries}");
        }
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.Contains("..", StringComparison.Ordinal) || entry.FullName.StartsWith('/') || entry.FullName.Contains('\\', StringComparison.Ordinal)
                || entry.FullName is [_, ':', ..])
            {
                return invalid($"it contains an entry with an unsafe path ('{Shorten(entry.FullName)}')");
            }
            total += entry.Length;
            if (total > maxTotalBytes || (entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > MaxCompressionRatio))
            {
                return new Failure(FailureKind.TooLarge, $"{what} too large when decompressed",
                    $"The {what} decompresses to more than {maxTotalBytes / (1024 * 1024)} MB, or one of its entries more than {MaxCompressionRatio} times its compressed size. " +
                    "It may be a zip bomb; if it is real, split it and resubmit.");
            }
        }
        return null;
    }

    /// <summary>The entry's bytes, or null when it inflates beyond <paramref name="limit"/> (whatever its header declared).</summary>
    public static async Task<byte[]?> ReadBoundedAsync(ZipArchiveEntry entry, long limit, CancellationToken ct)
    {
        await using var source = await entry.OpenAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static string Shorten(string name) => name.Length > 80 ? name[..80] + "…" : name;
}
