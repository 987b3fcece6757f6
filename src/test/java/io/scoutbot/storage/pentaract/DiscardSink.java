package io.scoutbot.storage.pentaract;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The benchmark's loopback sink: reads every request body to the end into one reused direct buffer
 * and throws it away, then answers as Pentaract would (201 with an empty body for uploads; just
 * enough login and storage JSON for the ScoutBot client to get there). curl and ScoutBot upload to the
 * same sink, so the sink's own cost is the same for both. One virtual thread per connection.
 */
public final class DiscardSink {

  static final String STORAGE_ID = "5f0c7a2e-9a53-4f5b-9d7e-0b6c1d2e3f40";
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private DiscardSink() {}

  /** {@code DiscardSink PORT}: listens on 127.0.0.1:PORT (0: any) and prints the port. */
  public static void main(String[] args) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        args.length > 0 ? Integer.parseInt(args[0]) : 0), 64);
    System.out.println(((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    while (true) {
      SocketChannel c = server.accept();
      Thread.ofVirtual().start(() -> serve(c));
    }
  }

  private static void serve(SocketChannel c) {
    try (c) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      while (true) {
        buf.clear();
        int headEnd;
        while ((headEnd = headEnd(buf)) < 0) {
          if (!buf.hasRemaining() || c.read(buf) < 0) {
            return;
          }
        }
        byte[] headBytes = new byte[headEnd];
        buf.get(0, headBytes);
        String head = new String(headBytes, StandardCharsets.ISO_8859_1);
        String lower = head.toLowerCase(Locale.ROOT);
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        long length = 0;
        for (String line : lower.split("\r\n")) {
          if (line.startsWith("content-length:")) {
            length = Long.parseLong(line.substring(15).strip());
          }
        }
        if (lower.contains("\r\nexpect: 100-continue")) {
          c.write(ByteBuffer.wrap(CONTINUE));
        }
        long remaining = length - (buf.position() - (headEnd + 4));
        while (remaining > 0) {
          buf.clear();
          if (remaining < buf.capacity()) {
            buf.limit((int) remaining);
          }
          int n = c.read(buf);
          if (n < 0) {
            return;
          }
          remaining -= n;
        }
        c.write(ByteBuffer.wrap(answer(requestLine)));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static byte[] answer(String requestLine) {
    String[] parts = requestLine.split(" ");
    String method = parts[0];
    String path = parts.length > 1 ? parts[1] : "/";
    String json = null;
    if (method.equals("POST") && path.endsWith("/auth/login")) {
      json = "{\"access_token\":\"bench-token\"}";
    } else if (method.equals("GET") && path.endsWith("/storages")) {
      json = "{\"storages\":[{\"id\":\"" + STORAGE_ID + "\",\"name\":\"ScoutBot-Storage\","
          + "\"chat_id\":-1234567890,\"files_amount\":1,\"size\":1}]}";
    } else if (method.equals("GET") && path.contains("/tree")) {
      json = "[]";
    } else if (method.equals("GET")) {
      json = "{\"id\":\"" + STORAGE_ID + "\",\"name\":\"ScoutBot-Storage\",\"chat_id\":-1234567890}";
    }
    String response = json == null
        ? "HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n"
        : "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    return response.getBytes(StandardCharsets.UTF_8);
  }

  private static int headEnd(ByteBuffer buf) {
    for (int i = 3; i < buf.position(); i++) {
      if (buf.get(i) == '\n' && buf.get(i - 1) == '\r' && buf.get(i - 2) == '\n'
          && buf.get(i - 3) == '\r') {
        return i - 3;
      }
    }
    return -1;
  }
}
