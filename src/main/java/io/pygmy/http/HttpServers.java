package io.pygmy.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.pygmy.config.Settings;
import io.pygmy.metrics.NodeMetrics;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Builds the HTTP server every node runs: Javalin on Jetty with virtual threads, JSON errors for every
 * failure (including 404s of unknown routes and 413s of oversized bodies), a request id that travels
 * across tiers, a {@code Server-Timing} entry for this tier, and {@code GET /metrics}: every answered
 * request is counted by route and status, with its latency, in the node's {@link NodeMetrics}.
 */
public final class HttpServers {
  public static final String REQUEST_ID = "X-Request-Id";
  private static final String START_NANOS = "pygmy.startNanos";
  private static final String DOWNSTREAM_TIMING = "pygmy.downstreamTiming";
  private static final String ERROR_WRITTEN = "pygmy.errorWritten";
  private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** The route label of requests no route matched (unknown paths): one series, whatever was asked. */
  static final String UNMATCHED_ROUTE = "unmatched";
  /** The route label of static files (the storefront's HTML, CSS and JavaScript). */
  static final String STATIC_ROUTE = "static";
  private static final Logger ACCESS = LoggerFactory.getLogger("pygmy.access");
  private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);

  private HttpServers() {}

  /**
   * @param metrics where requests are counted; its tier is the name reported in Server-Timing
   * @param extra further configuration, e.g. static files
   */
  public static Javalin create(NodeMetrics metrics, Settings settings, Consumer<io.javalin.config.JavalinConfig> extra) {
    String tier = metrics.tier();
    Javalin app = Javalin.create(config -> {
      config.useVirtualThreads = true;
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.http.maxRequestSize = settings.maxRequestBytes();
      config.http.generateEtags = false;
      config.router.ignoreTrailingSlashes = true;
      config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      config.requestLogger.http((ctx, millis) -> {
        Long start = ctx.attribute(START_NANOS);
        long nanos = start != null ? System.nanoTime() - start : (long) (millis * 1e6);
        metrics.recordRequest(ctx.method().name(), routeOf(ctx), ctx.statusCode(), nanos);
        logRequest(ctx, millis);
      });
      extra.accept(config);
    });
    app.before(ctx -> {
      ctx.attribute(START_NANOS, System.nanoTime());
      String id = ctx.header(REQUEST_ID);
      if (id == null || !SAFE_REQUEST_ID.matcher(id).matches()) {
        id = UUID.randomUUID().toString();
      }
      ctx.header(REQUEST_ID, id);
      MDC.put("requestId", id);
    });
    app.after(ctx -> {
      Long start = ctx.attribute(START_NANOS);
      if (start != null) {
        String own = ServerTiming.entry(tier, System.nanoTime() - start);
        ctx.header(ServerTiming.HEADER, ServerTiming.join(own, ctx.attribute(DOWNSTREAM_TIMING)));
      }
      MDC.remove("requestId");
    });
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
    app.exception(ApiException.class, (e, ctx) -> writeError(ctx, e.code(), e.getMessage(), e.detail()));
    app.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx, fromStatus(e.getStatus()), e.getMessage(), null));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
      writeError(ctx, ErrorCode.INTERNAL, "internal error; see the node's log with request id " + requestId(ctx), null);
    });
    app.error(404, ctx -> {
      if (ctx.attribute(ERROR_WRITTEN) == null) {
        writeError(ctx, ErrorCode.NOT_FOUND, "no route " + ctx.method() + " " + ctx.path(), null);
      }
    });
    app.error(405, ctx -> {
      if (ctx.attribute(ERROR_WRITTEN) == null) {
        writeError(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method " + ctx.method() + " not allowed on " + ctx.path(), null);
      }
    });
    return app;
  }

  /** Remembers the Server-Timing entries a downstream tier reported, to pass them on. */
  public static void addDownstreamTiming(Context ctx, String header) {
    if (header != null && !header.isBlank()) {
      ctx.attribute(DOWNSTREAM_TIMING, ServerTiming.join(ctx.attribute(DOWNSTREAM_TIMING), header));
    }
  }

  public static String requestId(Context ctx) {
    String id = ctx.res().getHeader(REQUEST_ID);
    return id != null ? id : ctx.header(REQUEST_ID);
  }

  public static void writeError(Context ctx, ErrorCode code, String message, Object detail) {
    ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
    if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.CAPACITY_EXHAUSTED) {
      ctx.header("Retry-After", "1");
    }
    ctx.status(code.status());
    ctx.contentType("application/json");
    ctx.result(Json.bytes(ErrorBody.of(code, message, requestId(ctx), detail)));
  }

  /** The matched route template, so metrics have one series per route, not one per id asked for. */
  static String routeOf(Context ctx) {
    try {
      String path = ctx.endpointHandlerPath();
      // Javalin 6 answers a message, not an exception, when no endpoint matched.
      if (path != null && path.startsWith("/") && !path.equals("*")) {
        return path;
      }
    } catch (RuntimeException e) {
      // No endpoint matched: a static file or an unknown path.
    }
    return ctx.statusCode() == 404 ? UNMATCHED_ROUTE : STATIC_ROUTE;
  }

  private static ErrorCode fromStatus(int status) {
    return switch (status) {
      case 400 -> ErrorCode.BAD_REQUEST;
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
    };
  }

  /**
   * Writes and errors are logged at INFO (they are rare and worth following); reads, and the cluster's
   * own chatter (heartbeats, invalidations under /internal), at DEBUG.
   */
  private static void logRequest(Context ctx, Float millis) {
    boolean read = (ctx.method().name().equals("GET") || ctx.path().startsWith("/internal/"))
        && ctx.statusCode() < 400;
    if (read ? ACCESS.isDebugEnabled() : ACCESS.isInfoEnabled()) {
      String line = String.format(java.util.Locale.ROOT, "method=%s path=%s status=%d millis=%.3f requestId=%s",
          ctx.method(), ctx.path(), ctx.statusCode(), millis, requestId(ctx));
      String key = ctx.res().getHeader(Headers.IDEMPOTENCY_KEY);
      if (key != null) {
        line += " key=" + key; // a buy's key names its reservation in the catalog and its order
      }
      if (read) {
        ACCESS.debug(line);
      } else {
        ACCESS.info(line);
      }
    }
  }
}
