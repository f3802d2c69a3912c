package io.pygmy.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pygmy.catalog.Book;
import io.pygmy.catalog.CacheKeys;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpServers;
import io.pygmy.http.Json;
import io.pygmy.http.Requests;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The frontend's book reads: the seed's {@code /search} and {@code /lookup}, and the API's listings (every
 * book, a topic's, a title search's, a page at a time), one book, and the topics. Served from the read
 * cache when it may ({@link ReadCache}), else from a catalog replica. A listing page is cached under its
 * own key and belongs to its topic's group, so invalidating the topic drops all of its pages; title
 * searches are not cached (their pages span topics and change with any book's stock).
 */
final class BookReads {
  private final Settings settings;
  private final ReadCache cache;
  private final ReplicaPool catalog;
  private final Backends backends;

  BookReads(Settings settings, ReadCache cache, ReplicaPool catalog, Backends backends) {
    this.settings = settings;
    this.cache = cache;
    this.catalog = catalog;
    this.backends = backends;
  }

  void routes(Javalin app) {
    // The seed's routes, so its client.py runs unchanged: the first page of a topic, the seed's shape.
    app.get("/search", ctx -> {
      String topic = validTopicOrBlank(requiredTopic(ctx));
      respond(ctx, topic.isEmpty() ? Json.bytes(Map.of("books", List.of()))
          : listing(ctx, CacheKeys.topic(topic), 0, settings.defaultPageSize(), "topic=" + topic).alternate());
    });
    app.get("/lookup", ctx -> {
      int id = Requests.positiveInt(ctx.queryParam("item"), "item");
      respond(ctx, readThrough(ctx, CacheKeys.item(id), null, "/books/" + id).body());
    });
    app.get("/api/books", this::apiBooks);
    app.get("/api/books/{id}", ctx -> {
      int id = Requests.positiveInt(ctx.pathParam("id"), "id");
      respond(ctx, readThrough(ctx, CacheKeys.item(id), null, "/books/" + id).alternate());
    });
    app.get("/api/topics", ctx -> respond(ctx, readThrough(ctx, CacheKeys.TOPICS, null, "/topics").body()));
  }

  private void apiBooks(Context ctx) {
    int limit = pageLimit(ctx);
    String topic = ctx.queryParam("topic");
    String text = ctx.queryParam("q");
    String after = ctx.queryParam("after");
    if (topic != null && text != null) {
      throw ApiException.badRequest("give 'topic' or 'q', not both");
    }
    if (text != null) {
      if (text.length() > 200) {
        throw ApiException.badRequest("'q' is longer than 200 characters");
      }
      String query = "q=" + encode(text) + "&limit=" + limit + (after == null ? "" : "&after=" + encode(after));
      HttpConnection.Response r = backends.get(catalog, "/books?" + query, HttpServers.requestId(ctx));
      HttpServers.addDownstreamTiming(ctx, r.serverTiming());
      if (r.status() != 200) {
        throw FrontendErrors.passThrough(r);
      }
      respond(ctx, r.body());
      return;
    }
    int afterId = after == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Requests.nonNegativeLong(after, "after"));
    if (topic == null) {
      respond(ctx, listing(ctx, CacheKeys.ALL, afterId, limit, null).body());
      return;
    }
    String valid = validTopicOrBlank(topic);
    if (valid.isEmpty()) {
      respond(ctx, Json.bytes(Map.of("books", List.of())));
      return;
    }
    respond(ctx, listing(ctx, CacheKeys.topic(valid), afterId, limit, "topic=" + valid).body());
  }

  /** A page of a listing: cached under its own key in the group of {@code group}, the first default page as it. */
  private ReadCache.Entry listing(Context ctx, String group, int afterId, int limit, String filter) {
    boolean firstPage = afterId == 0 && limit == settings.defaultPageSize();
    String key = firstPage ? group : group + "|" + afterId + "|" + limit;
    String path = "/books?" + (filter == null ? "" : filter + "&") + "after=" + afterId + "&limit=" + limit;
    return readThrough(ctx, key, group, path);
  }

  private int pageLimit(Context ctx) {
    String raw = ctx.queryParam("limit");
    int limit = raw == null ? settings.defaultPageSize() : Requests.positiveInt(raw, "limit");
    if (limit > settings.maxPageSize()) {
      throw ApiException.badRequest("'limit' must be in 1.." + settings.maxPageSize());
    }
    return limit;
  }

  /** Serves a catalog read from the cache, or from a catalog replica (then caches it if still fresh). */
  private ReadCache.Entry readThrough(Context ctx, String key, String group, String path) {
    ReadCache.Entry hit = cache.get(key);
    if (hit != null) {
      HttpServers.addDownstreamTiming(ctx, "cache;desc=hit");
      return hit;
    }
    long ticket = cache.ticket();
    HttpConnection.Response r = backends.get(catalog, path, HttpServers.requestId(ctx));
    HttpServers.addDownstreamTiming(ctx, r.serverTiming());
    if (r.status() != 200) {
      throw FrontendErrors.passThrough(r);
    }
    ReadCache.Entry entry = new ReadCache.Entry(r.body(), alternate(key, r.body()), parseVersion(r.version()), group);
    if (entry.version() >= 0) {
      cache.fill(key, ticket, entry);
    }
    return entry;
  }

  /** The second form of an answer: an item lookup's single book, a listing's seed shape (no cursor). */
  private static byte[] alternate(String key, byte[] body) {
    if (key.equals(CacheKeys.TOPICS)) {
      return null;
    }
    JsonNode root = readTree(body);
    JsonNode books = root.path("books");
    if (key.startsWith("item:")) {
      if (!books.isArray() || books.size() != 1) {
        throw new ApiException(ErrorCode.INTERNAL, "catalog answered an item lookup with " + books.size() + " books");
      }
      return Json.bytes(books.get(0));
    }
    ObjectNode seedShape = Json.MAPPER.createObjectNode();
    seedShape.set("books", books);
    return Json.bytes(seedShape);
  }

  private static String requiredTopic(Context ctx) {
    String topic = ctx.queryParam("topic");
    if (topic == null || topic.isBlank()) {
      throw ApiException.badRequest("'topic' is required, e.g. /search?topic=ds");
    }
    return topic;
  }

  /** A topic that cannot exist (bad characters) is answered as unknown, not as an error. */
  private static String validTopicOrBlank(String topic) {
    if (topic.length() > 64) {
      throw ApiException.badRequest("'topic' is longer than 64 characters");
    }
    return Book.TOPIC.matcher(topic).matches() ? topic : "";
  }

  private static long parseVersion(String header) {
    try {
      return header == null ? -1 : Long.parseLong(header);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ApiException(ErrorCode.INTERNAL, "unreadable backend answer");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void respond(Context ctx, byte[] json) {
    ctx.contentType("application/json").result(json);
  }
}
