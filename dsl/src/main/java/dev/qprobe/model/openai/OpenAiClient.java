package dev.qprobe.model.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * POSTs JSON to one route of an endpoint and returns the parsed 2xx body, with the retry policy,
 * the concurrency bound and the error messages shared by the sampler and the embedder.
 *
 * <p>Retried, with exponential backoff (or the server's {@code Retry-After}, capped): HTTP 408,
 * 429 and 5xx; I/O failures (connection refused or reset, timeouts, bodies cut short); 2xx bodies
 * that are not well-formed JSON, which is how a truncated response shows. Not retried: any other
 * status, 401/403 and 404 with messages of their own, and TLS failures.
 */
final class OpenAiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Reads NaN and Infinity literals as numbers, so that a response holding them is reported as a
     * bad value (a permanent error) rather than as malformed JSON, which would be retried.
     */
    private static final ObjectReader READER = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
    private static final int MESSAGE_CHARS = 300;
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");

    private final OpenAiEndpoint endpoint;
    private final URI uri;
    private final HttpClient http;
    private final Semaphore permits;

    OpenAiClient(OpenAiEndpoint endpoint) {
        this.endpoint = endpoint;
        this.uri = URI.create(endpoint.url());
        // HTTP/1.1: local servers (uvicorn, llama.cpp) gain nothing from an h2c upgrade attempt.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(endpoint.connectTimeout())
                .build();
        this.permits = new Semaphore(endpoint.maxConcurrentRequests(), true);
    }

    String url() {
        return endpoint.url();
    }

    /** A well-formed response of the wrong shape; {@link #post} turns it into an {@link EndpointException}. */
    static final class BadResponse extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadResponse(String what) {
            super(what, null, false, false);
        }
    }

    /**
     * POSTs {@code body} and reads the parsed response with {@code read}, retrying as the class
     * describes. A {@link BadResponse} from {@code read} is not retried: the server would answer the same.
     *
     * @param jitterSeed makes the backoff jitter deterministic and different between requests sent together
     * @throws EndpointException when the request fails for good
     */
    <T> T post(ObjectNode body, long jitterSeed, Function<JsonNode, T> read) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the request to " + url(), e);
        }
        int maxAttempts = endpoint.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            int status = 0;
            String serverMessage = "";
            String failure;
            Duration retryAfter = null;
            IOException ioFailure = null;
            try {
                HttpResponse<byte[]> response = send(bytes);
                status = response.statusCode();
                if (status / 100 == 2) {
                    try {
                        JsonNode json = READER.readTree(response.body());
                        if (json != null && !json.isMissingNode()) {
                            try {
                                return read.apply(json);
                            } catch (BadResponse e) {
                                throw new EndpointException("unexpected response from POST " + url() + " (attempt "
                                        + attempt + "): " + e.getMessage(), url(), status, attempt, "", null);
                            }
                        }
                        failure = "empty response body";
                    } catch (JsonProcessingException e) {
                        // A parse error's text can quote the body, so it is masked like a server message.
                        failure = "malformed or truncated JSON in the response: "
                                + clip(endpoint.redact(e.getOriginalMessage()));
                    }
                } else {
                    serverMessage = errorMessage(response.body());
                    if (!retryable(status)) {
                        throw refused(status, serverMessage, attempt);
                    }
                    failure = "HTTP " + status + ": " + serverMessage;
                    retryAfter = response.headers().firstValue("Retry-After")
                            .flatMap(v -> retryAfter(v, Instant.now())).orElse(null);
                    if (retryAfter != null && retryAfter.compareTo(endpoint.maxBackoff()) > 0) {
                        failure += " (its Retry-After of " + retryAfter.toSeconds() + " s was capped at "
                                + endpoint.maxBackoff().toMillis() / 1000.0 + " s, the endpoint's maxBackoff)";
                    }
                }
            } catch (SSLException e) {
                throw new EndpointException("TLS failure talking to " + url() + ": " + e.getMessage(),
                        url(), 0, attempt, "", e);
            } catch (IOException e) {
                ioFailure = e;
                failure = describe(e);
            }
            if (attempt >= maxAttempts) {
                String message = ioFailure != null && status == 0 && isConnectFailure(ioFailure)
                        ? "cannot reach " + url() + ": " + failure + " (" + attempt + plural(attempt) + ")"
                        : "POST " + url() + " failed after " + attempt + plural(attempt) + ": " + failure;
                throw new EndpointException(message, url(), status, attempt, serverMessage, ioFailure);
            }
            sleep(delay(attempt, retryAfter, jitterSeed, endpoint.initialBackoff(), endpoint.maxBackoff()));
        }
    }

    private HttpResponse<byte[]> send(byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(endpoint.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String key = endpoint.apiKey();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        // The request's own timeout stops at the response headers; this deadline covers the body too,
        // so a server that stalls mid-body cannot hang the caller.
        CompletableFuture<HttpResponse<byte[]>> response =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        try {
            return response.get(endpoint.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("request timed out");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("HTTP client failed calling " + url(), e.getCause());
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            response.cancel(true);
            permits.release();
        }
    }

    private EndpointException refused(int status, String serverMessage, int attempt) {
        String what;
        if (status == 401 || status == 403) {
            what = endpoint.apiKey() == null
                    ? "the server wants an API key, but environment variable " + endpoint.apiKeyEnv() + " is not set"
                    : "the API key from environment variable " + endpoint.apiKeyEnv() + " was rejected";
        } else if (status == 404) {
            what = "the URL " + url() + " or the model \"" + endpoint.model() + "\" was not found";
        } else {
            what = "the server refused the request";
        }
        return new EndpointException("HTTP " + status + " from POST " + url() + " (attempt " + attempt + "): "
                + what + (serverMessage.isEmpty() ? "" : "; server says: " + serverMessage),
                url(), status, attempt, serverMessage, null);
    }

    private EndpointException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new EndpointException("interrupted while calling " + url(), url(), 0, 0, "", e);
    }

    private String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + millis(endpoint.connectTimeout()) + " (the connect timeout)";
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within " + millis(endpoint.requestTimeout()) + " (the request timeout)";
        }
        if (isConnectFailure(e)) {
            return "connection refused";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + clip(message));
    }

    /** Refused connections surface as ConnectException, at times wrapped and without a message. */
    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException && !(t instanceof HttpConnectTimeoutException)) {
                return true;
            }
        }
        return false;
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * The server's error text: {@code error.message}, {@code error}, {@code message} or
     * {@code detail}, else the raw body; shortened, the key masked.
     */
    private String errorMessage(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode json = READER.readTree(body);
            JsonNode found = null;
            if (json != null && json.isObject()) {
                JsonNode error = json.path("error");
                found = error.path("message").isTextual() ? error.path("message")
                        : error.isTextual() ? error
                        : json.path("message").isTextual() ? json.path("message")
                        : json.has("detail") ? json.get("detail") : null;
            }
            if (found != null) {
                text = found.isTextual() ? found.asText() : found.toString();
            }
        } catch (IOException e) {
            // Not JSON (an HTML error page, a proxy's text): show the raw body.
        }
        return clip(endpoint.redact(text));
    }

    /** One line of at most ~300 characters. */
    static String clip(String text) {
        String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return line.length() <= MESSAGE_CHARS ? line : line.substring(0, MESSAGE_CHARS) + "...";
    }

    /**
     * The wait before retry number {@code attempt} (1-based): the server's Retry-After when given,
     * else initial * 2^(attempt-1) with "equal jitter" (half fixed, half drawn from a generator seeded
     * by {@code jitterSeed} and the attempt, so runs repeat), capped at {@code max} either way.
     */
    static Duration delay(int attempt, Duration retryAfter, long jitterSeed, Duration initial, Duration max) {
        if (retryAfter != null) {
            return retryAfter.compareTo(max) > 0 ? max : retryAfter;
        }
        double nanos = Math.min(initial.toNanos() * Math.pow(2, attempt - 1), max.toNanos());
        double u = new SplittableRandom(jitterSeed * 0x9E3779B97F4A7C15L + attempt).nextDouble();
        return Duration.ofNanos((long) (nanos / 2 + u * nanos / 2));
    }

    /** A Retry-After value, delay-seconds or an HTTP-date, as a wait from {@code now}; empty when unreadable. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.strip();
        if (SECONDS.matcher(v).matches()) {
            return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
        }
        try {
            Duration wait = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static String millis(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String plural(int attempts) {
        return attempts == 1 ? " attempt" : " attempts";
    }
}
