package dev.qprobe.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of Python literal syntax that .npy headers use: dicts, tuples, lists, quoted strings,
 * integers, True, False, None. Errors are {@link IllegalStateException} with the offset.
 */
final class PythonLiteral {
    private final String text;
    private int at;

    PythonLiteral(String text) {
        this.text = text;
    }

    Object parseAll() {
        Object value = value();
        skipSpace();
        if (at < text.length()) {
            throw error("unexpected text after the dict");
        }
        return value;
    }

    private Object value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(at);
        if (c == '{') {
            return dict();
        }
        if (c == '(' || c == '[') {
            return sequence(c == '(' ? ')' : ']');
        }
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (c == '-' || Character.isDigit(c)) {
            return integer();
        }
        return constant();
    }

    private Map<Object, Object> dict() {
        Map<Object, Object> map = new LinkedHashMap<>();
        at++;
        while (!closes('}')) {
            Object key = value();
            skipSpace();
            expect(':');
            map.put(key, value());
            separator('}');
        }
        return map;
    }

    private List<Object> sequence(char close) {
        List<Object> items = new ArrayList<>();
        at++;
        while (!closes(close)) {
            items.add(value());
            separator(close);
        }
        return items;
    }

    /** Consumes {@code close} if it comes next (after spaces). */
    private boolean closes(char close) {
        skipSpace();
        if (at < text.length() && text.charAt(at) == close) {
            at++;
            return true;
        }
        return false;
    }

    /** After an item: a comma, or the closing bracket (left for {@link #closes}). */
    private void separator(char close) {
        skipSpace();
        if (at < text.length() && text.charAt(at) == ',') {
            at++;
        } else if (at >= text.length() || text.charAt(at) != close) {
            throw error("expected ',' or '" + close + "'");
        }
    }

    private String string(char quote) {
        StringBuilder s = new StringBuilder();
        at++;
        while (at < text.length() && text.charAt(at) != quote) {
            if (text.charAt(at) == '\\' && at + 1 < text.length()) {
                at++;
            }
            s.append(text.charAt(at++));
        }
        expect(quote);
        return s.toString();
    }

    private Long integer() {
        int start = at;
        if (text.charAt(at) == '-') {
            at++;
        }
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        String digits = text.substring(start, at);
        if (at < text.length() && text.charAt(at) == 'L') {
            at++; // Python 2 long suffix, found in old files
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            at = start;
            throw error("bad integer '" + digits + "'");
        }
    }

    private Object constant() {
        int start = at;
        while (at < text.length() && Character.isLetter(text.charAt(at))) {
            at++;
        }
        switch (text.substring(start, at)) {
            case "True":
                return Boolean.TRUE;
            case "False":
                return Boolean.FALSE;
            case "None":
                return null;
            default:
                at = start;
                throw error("unexpected character '" + text.charAt(at) + "'");
        }
    }

    private void expect(char c) {
        if (at >= text.length() || text.charAt(at) != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalStateException error(String what) {
        return new IllegalStateException(what + " at character " + at);
    }
}
