package io.pygmy.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The three tiers. Each node runs exactly one. */
public enum Service {
  CATALOG,
  ORDER,
  FRONTEND;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Service parse(String text) {
    for (Service s : values()) {
      if (s.id().equalsIgnoreCase(text.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown service '" + text + "' (catalog, order or frontend)");
  }

  /** Catalog and order replicas form Raft groups; frontends do not. */
  public boolean replicated() {
    return this != FRONTEND;
  }
}
