import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Host

/// The socket options a client connection gets from the listener, read from the accepted socket itself.
@Suite("HTTP listener")
struct HTTPListenerTests {
    @Test("an accepted connection has TCP_NODELAY, and no option only root may set (SO_DEBUG)")
    func acceptedSocketOptions() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let seen = SeenOptions()
        let listener = try HTTPListener.bind(name: "the test listener", host: "127.0.0.1", port: 0, group: group,
                                             logger: Logger(label: "test")) {
            OptionProbe(seen: seen)
        }
        defer { _ = try? listener.stopAccepting().wait() }
        let port = try #require(listener.localAddress?.port)

        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(client >= 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)

        var options: (noDelay: Int, debug: Int)?
        for _ in 0..<500 where options == nil {
            options = seen.value.withLock { $0 }
            if options == nil { usleep(10_000) }
        }
        let read = try #require(options, "the listener never served the connection")
        #expect(read.noDelay != 0, "small writes (stream events) would wait for the client's acknowledgements")
        #expect(read.debug == 0, "SO_DEBUG needs CAP_NET_ADMIN: any other user's connections would fail")
    }
}

private final class SeenOptions: Sendable {
    let value = Mutex<(noDelay: Int, debug: Int)?>(nil)
}

/// Reads the accepted socket's options once it is active.
private final class OptionProbe: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let seen: SeenOptions

    init(seen: SeenOptions) {
        self.seen = seen
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let options = context.channel.syncOptions,
              let noDelay = try? options.getOption(.tcpOption(.tcp_nodelay)),
              let debug = try? options.getOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_DEBUG)))
        else { return }
        seen.value.withLock { $0 = (noDelay, debug) }
    }
}
