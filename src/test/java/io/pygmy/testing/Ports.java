package io.pygmy.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests on loopback. */
public final class Ports {
  private Ports() {}

  /** A loopback port that was just free and that nothing listens on: connecting to it is refused. */
  public static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
