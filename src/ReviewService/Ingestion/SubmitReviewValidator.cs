using FluentValidation;
using ReviewService.Policies;

namespace ReviewService.Ingestion;

/// <summary>Checks the shape of a submission; what the bytes contain is the extraction stage's business.</summary>
public sealed class SubmitReviewValidator : AbstractValidator<SubmitReviewRequest>
{
    const int MaxPolicyName = 100;

    public SubmitReviewValidator(PolicyCatalog policies)
    {
        RuleFor(r => r.Policy).NotEmpty().WithMessage("Name the policy to review against, e.g. \"contract-review\".");
        // A policy name is short; a long one is refused before it is echoed back in the "unknown policy" detail.
        RuleFor(r => r.Policy).MaximumLength(MaxPolicyName).WithMessage($"A policy name has at most {MaxPolicyName} characters, e.g. \"contract-review\".");
        RuleFor(r => r.Policy).Must(p => policies.Find(p) is not null)
            .WithMessage(r => $"Unknown policy '{r.Policy}'. Loaded policies: {string.Join(", ", policies.All.Select(p => p.Name))}.")
            .When(r => !string.IsNullOrEmpty(r.Policy) && r.Policy.Length <= MaxPolicyName);
        RuleFor(r => r.Document).NotNull().WithMessage("Add a document: { \"fileName\", \"contentType\", \"text\" or \"contentBase64\" }.");
        RuleFor(r => r.Document!).SetValidator(new DocumentPayloadValidator()).When(r => r.Document is not null);
        RuleFor(r => r.ExternalRef).MaximumLength(200);
        RuleFor(r => r.Metadata).Must(m => m!.Count <= 50).WithMessage("At most 50 metadata entries.")
            .Must(m => m!.All(kv => kv.Key.Length is > 0 and <= 64 && (kv.Value?.Length ?? 0) <= 1024))
            .WithMessage("Metadata keys must be 1-64 characters and values at most 1024 characters.")
            .When(r => r.Metadata is not null);
    }
}

public sealed class DocumentPayloadValidator : AbstractValidator<DocumentPayload>
{
    public DocumentPayloadValidator()
    {
        RuleFor(d => d.FileName).NotEmpty().WithMessage("Give the document's file name, e.g. \"contract.pdf\".").MaximumLength(255);
        RuleFor(d => d.ContentType).NotEmpty().WithMessage("Give the document's content type, e.g. \"application/pdf\" or \"text/plain\".").MaximumLength(200);
        RuleFor(d => d).Must(d => new object?[] { d.Text, d.ContentBase64, d.Upload }.Count(x => x is not null) == 1)
            .WithName("document").WithMessage("Give exactly one of \"text\" or \"contentBase64\".");
        RuleFor(d => d.Upload).Must(u => u!.Length > 0).WithMessage("The uploaded file is empty.").When(d => d.Upload is not null);
        RuleFor(d => d.Text).NotEmpty().WithMessage("The document text is empty.").When(d => d.Text is not null);
        RuleFor(d => d.ContentBase64).NotEmpty().WithMessage("The document content is empty.")
            .Must(BeBase64).WithMessage("\"contentBase64\" is not valid base64.")
            .When(d => d.ContentBase64 is not null);
    }

    static bool BeBase64(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        var buffer = new byte[value.Length / 4 * 3 + 3];
        return Convert.TryFromBase64String(value, buffer, out _);
    }
}
