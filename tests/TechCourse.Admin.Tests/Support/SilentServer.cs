using System.Net;
using System.Net.Sockets;

namespace TechCourse.Admin.Tests.Support;

// A database server that does not answer: a loopback listener that accepts connections and never sends a byte, until
// the test cuts it off (then open connections drop and new ones are refused at once). Tests send traffic only to
// 127.0.0.0/8.
public sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    public SilentServer()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int Connections
    {
        get
        {
            lock (accepted) return accepted.Count;
        }
    }

    // Connecting succeeds, the PostgreSQL handshake never gets an answer (Timeout bounds it, should the test forget Cut).
    public string ConnectionString(int timeoutSeconds = 60) =>
        new Npgsql.NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "nobody", Password = "none", Database = "none", Timeout = timeoutSeconds, Pooling = false }.ConnectionString;

    public void Cut()
    {
        listener.Stop();
        lock (accepted)
        {
            foreach (var socket in accepted) socket.Close(0);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(stop.Token);
                lock (accepted) accepted.Add(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped (Cut or disposed).
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await accepting;
        Cut();
        stop.Dispose();
    }
}
