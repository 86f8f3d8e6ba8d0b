using Lumen.Cli;

namespace Lumen.Tests.Cli;

/// <summary>Runs the lumen command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = LumenCli.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
