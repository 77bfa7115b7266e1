using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReviewService.Tests.Storage;

/// <summary>
/// The built service as a real <c>dotnet ReviewService.dll</c> process on a loopback port: what an operator runs, so it can be
/// killed with SIGKILL like a crashed instance. The test API keys are configured; output is kept for failure messages.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }
    public int ProcessId => _process.Id;

    /// <summary>What the process wrote, last lines first cut: for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.Length > 4000 ? _output.ToString(_output.Length - 4000, 4000) : _output.ToString();
            }
        }
    }

    /// <summary>Starts an instance with <paramref name="settings"/> (configuration keys, e.g. <c>Storage:Provider</c>) and waits until it is ready.</summary>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ReviewService.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in ReviewApp.CommonSettings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)).Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var service = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitUntilReadyAsync();
        return service;
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>SIGKILL: the process gets no chance to finish, release leases or flush anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        var output = Output;
        Dispose();
        throw new InvalidOperationException($"The service at {Address} did not become ready. Its output:\n{output}");
    }

    void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
