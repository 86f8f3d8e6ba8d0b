using Lumen.Cli;

return LumenCli.Run(args, Console.Out, Console.Error);
