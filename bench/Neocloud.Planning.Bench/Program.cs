Console.WriteLine("planning benchmark: not written yet");
