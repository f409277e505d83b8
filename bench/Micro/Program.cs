using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(UniJit.Bench.Micro.EngineBenchmarks).Assembly).Run(args);
