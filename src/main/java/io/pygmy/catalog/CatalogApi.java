package io.pygmy.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.Headers;
import io.pygmy.http.Json;
import io.pygmy.http.Requests;
import io.pygmy.raft.RaftCalls;
import io.pygmy.raft.RaftReplica;
import java.util.Map;
import java.util.function.Function;

/**
 * The catalog's HTTP API for the frontend and the order tier: linearizable reads of books (by id, by
 * topic, by title, in pages), admin updates, reservations and remembered updates, and the digest.
 */
final class CatalogApi {
  private final Settings settings;
  private final RaftReplica replica;
  private final CatalogStateMachine stateMachine;
  private final Function<CatalogCommand, CatalogReply> write;

  CatalogApi(Settings settings, RaftReplica replica, CatalogStateMachine stateMachine,
             Function<CatalogCommand, CatalogReply> write) {
    this.settings = settings;
    this.replica = replica;
    this.stateMachine = stateMachine;
    this.write = write;
  }

  void routes(Javalin app) {
    app.get("/books", this::listBooks);
    app.get("/books/{id}", ctx -> {
      int id = Requests.positiveInt(ctx.pathParam("id"), "id");
      answerBooks(ctx, new CatalogQuery.ItemQuery(id));
    });
    app.get("/topics", ctx -> {
      CatalogView view = readSeeded(new CatalogQuery.TopicsQuery());
      ctx.json(Map.of("topics", view.topics()));
    });
    app.post("/books/{id}/update", this::update);
    app.get("/updates/{key}", ctx -> {
      CatalogView v = read(new CatalogQuery.UpdateQuery(ctx.pathParam("key")));
      if (v.update() == null) {
        throw ApiException.notFound("no update with key " + ctx.pathParam("key"));
      }
      ctx.json(v.update());
    });
    app.get("/reservations/{key}", ctx -> {
      CatalogView v = read(new CatalogQuery.ReservationQuery(ctx.pathParam("key")));
      if (v.reservations().isEmpty()) {
        throw ApiException.notFound("no reservation with key " + ctx.pathParam("key"));
      }
      ctx.json(v.reservations().get(0));
    });
    app.get("/reservations", ctx -> {
      long after = Requests.nonNegativeLong(ctx.queryParamAsClass("after", String.class).getOrDefault("0"), "after");
      int limit = Math.min(settings.reconcileBatchSize(),
          Requests.positiveInt(ctx.queryParamAsClass("limit", String.class).getOrDefault("100"), "limit"));
      ctx.json(read(new CatalogQuery.ReservationsAfterQuery(after, limit)));
    });
    app.get("/digest", ctx -> ctx.json(read(new CatalogQuery.DigestQuery())));
  }

  /** {@code /books}: every book, a topic's ({@code topic}) or a title search's ({@code q}), a page at a time. */
  private void listBooks(Context ctx) {
    int limit = pageLimit(ctx, settings);
    String topic = ctx.queryParam("topic");
    String text = ctx.queryParam("q");
    if (topic != null && text != null) {
      throw ApiException.badRequest("give 'topic' or 'q', not both");
    }
    if (text != null) {
      if (text.length() > 200) {
        throw ApiException.badRequest("'q' is longer than 200 characters");
      }
      answerBooks(ctx, new CatalogQuery.TitleQuery(text, ctx.queryParam("after"), limit));
      return;
    }
    int after = afterId(ctx);
    answerBooks(ctx, topic == null ? new CatalogQuery.AllQuery(after, limit)
        : new CatalogQuery.TopicQuery(topic, after, limit));
  }

  /** The page size a listing asks for: {@code limit}, or the default; at most {@code maxPageSize}. */
  static int pageLimit(Context ctx, Settings settings) {
    String raw = ctx.queryParam("limit");
    int limit = raw == null ? settings.defaultPageSize() : Requests.positiveInt(raw, "limit");
    if (limit > settings.maxPageSize()) {
      throw ApiException.badRequest("'limit' must be in 1.." + settings.maxPageSize());
    }
    return limit;
  }

  private static int afterId(Context ctx) {
    String raw = ctx.queryParam("after");
    return raw == null ? 0 : (int) Math.min(Integer.MAX_VALUE,
        Requests.nonNegativeLong(raw, "after"));
  }

  private void answerBooks(Context ctx, CatalogQuery query) {
    CatalogView view = readSeeded(query);
    awaitPublished(view.version());
    if (query instanceof CatalogQuery.ItemQuery q && view.books().isEmpty()) {
      throw ApiException.notFound("no book with id " + q.item());
    }
    ctx.header(Headers.VERSION, Long.toString(view.version()));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("books", Json.MAPPER.valueToTree(view.books()));
    if (!(query instanceof CatalogQuery.ItemQuery)) {
      body.put("next", view.next()); // null on the last page
    }
    ctx.contentType("application/json").result(Json.bytes(body));
  }

  private CatalogView readSeeded(CatalogQuery query) {
    CatalogView view = read(query);
    if (!view.seeded()) {
      throw ApiException.unavailable("the catalog is not initialised yet");
    }
    return view;
  }

  private void update(Context ctx) {
    int id = Requests.positiveInt(ctx.pathParam("id"), "id");
    UpdateRequest req = Requests.body(ctx, UpdateRequest.class);
    CatalogCommand.Update cmd = new CatalogCommand.Update(req.key(), id,
        req.stockDelta() == null ? 0 : req.stockDelta(), req.cost(), System.currentTimeMillis());
    Inventory.validate(cmd, CatalogLimits.from(settings)).ifPresent(msg -> {
      throw ApiException.badRequest(msg);
    });
    CatalogReply reply = write.apply(cmd);
    if (!reply.ok()) {
      throw CatalogNode.failure(reply);
    }
    ctx.json(Map.of("book", reply.book(), "replayed", reply.replayed()));
  }

  /** Body of {@code POST /books/{id}/update}. */
  record UpdateRequest(Long stockDelta, Long cost, String key) {}

  /** Waits (bounded) until no frontend cache can still show a state older than {@code version}. */
  private void awaitPublished(long version) {
    RaftCalls.await(stateMachine.published(version), settings.raftReadTimeoutMillis(),
        "catalog read waiting for frontend caches to drop older entries");
  }

  CatalogView read(CatalogQuery query) {
    return Json.read(RaftCalls.await(replica.readLocal(Json.bytes(query)), settings.raftReadTimeoutMillis() + 500L,
        "catalog read"), CatalogView.class);
  }
}
