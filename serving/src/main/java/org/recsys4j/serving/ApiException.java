package org.recsys4j.serving;

/**
 * A request the service cannot answer, with the HTTP status and the message for TF Serving's
 * {@code {"error": "..."}} body: 400 for a bad request, 404 for an unknown model or version.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}
