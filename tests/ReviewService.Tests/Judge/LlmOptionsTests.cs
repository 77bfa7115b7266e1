using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReviewService.Judge;

namespace ReviewService.Tests.Judge;

public sealed class LlmOptionsTests
{
    [Fact]
    public void IncompleteProviderSettingsStopTheServiceAtStartupNamingTheSetting()
    {
        // The service's own registration, checked as the host checks it when it starts, without starting one.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "AzureOpenAI", ["Llm:Endpoint"] = "https://example.openai.azure.com/",
        });
        builder.AddJudge();
        using var services = builder.Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
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
