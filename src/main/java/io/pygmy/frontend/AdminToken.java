package io.pygmy.frontend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The bearer token admin routes require: {@code PYGMY_ADMIN_TOKEN} when set, otherwise a random token
 * generated once and kept in a file readable only by its owner.
 */
public final class AdminToken {
  private final byte[] token;
  private final String source;

  private AdminToken(String token, String source) {
    if (token.isBlank()) {
      throw new IllegalArgumentException("the admin token must not be blank");
    }
    this.token = token.trim().getBytes(StandardCharsets.UTF_8);
    this.source = source;
  }

  public static AdminToken load(Map<String, String> env, Path file) throws IOException {
    String fromEnv = env.get("PYGMY_ADMIN_TOKEN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new AdminToken(fromEnv, "the PYGMY_ADMIN_TOKEN environment variable");
    }
    return new AdminToken(readOrCreate(file), file.toAbsolutePath().toString());
  }

  /** Reads the token file, creating it (mode 0600) with a fresh random token when missing. */
  public static String readOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    // Written under a unique name, then hard-linked into place: a link never replaces an existing file,
    // so when two frontends start at once exactly one token wins and both read it back.
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".admin-token", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, token + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      Files.createLink(file, tmp);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // Another process created it first: use theirs.
    } finally {
      Files.deleteIfExists(tmp);
    }
    return Files.readString(file).trim();
  }

  /** Whether an {@code Authorization} header carries this token (constant-time comparison). */
  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] offered = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(offered, token);
  }

  /** Where the token comes from, to tell the user. */
  public String source() {
    return source;
  }
}
