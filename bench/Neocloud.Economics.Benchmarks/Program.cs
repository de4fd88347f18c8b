using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Neocloud.Economics.Benchmarks.MonteCarloBenchmarks).Assembly).Run(args);
