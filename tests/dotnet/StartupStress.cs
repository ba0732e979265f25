// StartupStress.cs: N threads enter the library for the first time at once,
// right after start-up, while another thread keeps Mono's garbage collector
// stopping the world. Each thread composes and renders a message through the
// binding, then calls the library in a loop. Prints
// "startup-stress: N threads ok" and exits 0; a deadlock never returns (the
// runner's watchdog reports it).
//
//   mcs -out:StartupStress.exe StartupStress.cs Mailwire.cs MimeMessage.cs Clients.cs
//   LD_LIBRARY_PATH=build mono StartupStress.exe 256
using System;
using System.Collections.Generic;
using System.Threading;
using Mailwire;

static class StartupStress
{
    static volatile bool done;
    static int failures;

    static int Main(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 64;
        var go = new ManualResetEvent(false);
        var ready = new CountdownEvent(n);
        var threads = new Thread[n];
        for (int i = 0; i < n; i++)
        {
            int id = i;
            threads[i] = new Thread(() => Worker(id, ready, go), 256 * 1024);
            threads[i].Start();
        }
        // The collector thread: allocations and explicit collections, so that
        // Mono stops the world while the workers make their first calls.
        var gc = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!done)
            {
                for (int k = 0; k < 200; k++) keep.Add(new byte[512]);
                if (keep.Count > 20000) keep.Clear();
                GC.Collect();
            }
        });
        gc.Start();
        ready.Wait();
        go.Set();
        foreach (var t in threads) t.Join();
        done = true;
        gc.Join();
        if (failures > 0)
        {
            Console.WriteLine("startup-stress: {0} of {1} threads failed", failures, n);
            return 1;
        }
        Console.WriteLine("startup-stress: {0} threads ok", n);
        return 0;
    }

    static void Worker(int id, CountdownEvent ready, ManualResetEvent go)
    {
        ready.Signal();
        go.WaitOne();
        try
        {
            using (var m = new MimeMessage())
            {
                m.Subject = "thread " + id;
                m.From = "a@example.test";
                m.To.Add("b@example.test");
                m.TextBody = new string('x', 100 + id);
                byte[] raw = m.ToBytes();
                if (raw.Length < 100) throw new Exception("short message");
            }
            for (int k = 0; k < 50; k++)
            {
                if (Library.VersionNumber <= 0) throw new Exception("bad version");
                var junk = new byte[256 * (k + 1)];
                junk[0] = 1;
            }
        }
        catch (Exception e)
        {
            Console.WriteLine("thread {0}: {1}: {2}", id, e.GetType().Name, e.Message);
            Interlocked.Increment(ref failures);
        }
    }
}
