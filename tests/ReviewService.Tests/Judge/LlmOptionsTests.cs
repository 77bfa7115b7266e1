using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ReviewService.Judge;

namespace ReviewService.Tests.Judge;

public sealed class LlmOptionsTests
{
    [Fact]
    public void IncompleteProviderSettingsStopTheServiceAtStartupNamingTheSetting()
    {
        OptionsValidationException? error = null;
        // WebApplicationFactory's deferred host can race with the failing app's own shutdown and report an
        // ObjectDisposedException instead of the app's error (seen once in CI): start again until the app's error surfaces.
        for (var attempt = 0; attempt < 5 && error is null; attempt++)
        {
            using var app = new ReviewApp(settings: new() { ["Llm:Provider"] = "AzureOpenAI", ["Llm:Endpoint"] = "https://example.openai.azure.com/" });
            try
            {
                app.CreateClient();
                Assert.Fail("The service started with incomplete LLM settings.");
            }
            catch (OptionsValidationException e)
            {
                error = e;
            }
            catch (ObjectDisposedException)
            {
            }
        }

        Assert.NotNull(error);
        Assert.Contains("Llm:Deployment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySettingIsReadFromTheEnvironmentStyleKeys()
    {
        var options = new LlmOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "OpenAI", ["Llm:Model"] = "llama3.1:8b", ["Llm:Fallback:Model"] = "qwen2.5:7b",
            ["Llm:CircuitBreaker:BreakSeconds"] = "5", ["Llm:Prices:0:Model"] = "llama3.1:8b", ["Llm:Prices:0:InputPer1KTokens"] = "0.01",
        }).Build().GetSection(LlmOptions.Section).Bind(options);

        Assert.Equal(LlmProvider.OpenAI, options.Provider);
        Assert.Equal("qwen2.5:7b", options.Fallback.Model);
        Assert.Equal(5, options.CircuitBreaker.BreakSeconds);
        Assert.Equal(0.01m, Assert.Single(options.Prices).InputPer1KTokens);
        Assert.True(new LlmOptionsValidator().Validate(null, options).Failed); // api.openai.com needs a key
    }
}
