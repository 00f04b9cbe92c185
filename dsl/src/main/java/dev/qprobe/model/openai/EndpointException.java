package dev.qprobe.model.openai;

/**
 * A request to an OpenAI-compatible endpoint failed for good: the server refused it, kept failing
 * until the retries ran out, could not be reached, or answered something that is not the documented
 * response. The message names the URL, the HTTP status (when there was one), the number of attempts
 * and the server's own error message (shortened, with the API key masked should a server echo it);
 * it never holds the API key.
 */
public final class EndpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final int status;
    private final int attempts;
    private final String serverMessage;

    EndpointException(String message, String url, int status, int attempts, String serverMessage, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.status = status;
        this.attempts = attempts;
        this.serverMessage = serverMessage;
    }

    /** The URL that was called. */
    public String url() {
        return url;
    }

    /** The HTTP status of the last response, or 0 when the last attempt got no response. */
    public int status() {
        return status;
    }

    /** How many attempts were made, the first included. */
    public int attempts() {
        return attempts;
    }

    /** The server's error message from the last response (shortened), or "" when there was none. */
    public String serverMessage() {
        return serverMessage;
    }
}
