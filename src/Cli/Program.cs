return UniJit.Cli.Launcher.Start(args);
