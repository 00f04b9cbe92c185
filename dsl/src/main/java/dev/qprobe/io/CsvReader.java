package dev.qprobe.io;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 reader: fields separated by commas, records by LF, CRLF or CR; a field in double
 * quotes may hold commas, line breaks and doubled quotes. A quote inside an unquoted field is
 * kept literally, as Python's csv module does. A leading UTF-8 byte order mark is skipped.
 */
final class CsvReader {
    private final String src;
    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private int pos;
    private int end;
    private int line = 1;
    private int recordLine;

    CsvReader(String src, Reader in) throws IOException {
        this.src = src;
        this.in = in;
        if (peek() == '\uFEFF') {
            pos++;
        }
    }

    /** The line on which the last record returned by {@link #next} began. */
    int recordLine() {
        return recordLine;
    }

    /** The next record's fields, or null at the end of the input. */
    List<String> next() throws IOException {
        if (peek() < 0) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            field.setLength(0);
            int c;
            if (peek() == '"') {
                pos++;
                int opened = line;
                while (true) {
                    c = take();
                    if (c < 0) {
                        throw new DataFormatException(src + ": line " + opened
                                + ": quoted field is never closed (missing '\"')");
                    }
                    if (c == '"') {
                        if (peek() != '"') {
                            break;
                        }
                        pos++;
                    } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
                        line++;
                    }
                    field.append((char) c);
                }
                c = peek();
                if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                    throw new DataFormatException(src + ": line " + line + ": unexpected '" + (char) c
                            + "' after a closing quote (quotes inside a quoted field must be doubled)");
                }
            } else {
                while ((c = peek()) >= 0 && c != ',' && c != '\n' && c != '\r') {
                    field.append((char) c);
                    pos++;
                }
            }
            fields.add(field.toString());
            c = take();
            if (c == ',') {
                continue;
            }
            if (c == '\r' && peek() == '\n') {
                pos++;
            }
            if (c >= 0) {
                line++;
            }
            return fields;
        }
    }

    private int peek() throws IOException {
        if (pos == end) {
            end = in.read(buffer);
            pos = 0;
            if (end <= 0) {
                end = 0;
                return -1;
            }
        }
        return buffer[pos];
    }

    private int take() throws IOException {
        int c = peek();
        if (c >= 0) {
            pos++;
        }
        return c;
    }
}
