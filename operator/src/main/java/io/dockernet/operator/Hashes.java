package io.dockernet.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short stable hashes, for names and label values that have length limits. */
public final class Hashes {

  private Hashes() {}

  /** The first {@code bytes} bytes of the SHA-256 of {@code data}, in hex. */
  public static String sha256Hex(byte[] data, int bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
      return HexFormat.of().formatHex(digest, 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** As {@link #sha256Hex(byte[], int)} for UTF-8 text. */
  public static String sha256Hex(String text, int bytes) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8), bytes);
  }
}
