return UniJit.Cli.Launcher.Main(args);
