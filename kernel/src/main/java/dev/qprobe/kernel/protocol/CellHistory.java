package dev.qprobe.kernel.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/**
 * The cells this kernel ran, for {@code history_request}s: tail, range and search. Kept in
 * memory for the life of the kernel process, which is session {@value #SESSION}; earlier
 * sessions are not kept, so a request for one gets no entries. Line numbers are execution counts.
 * JJava's kernel answers the requests from it; {@link ReplyContent} puts its reply in the
 * protocol's shape.
 */
public final class CellHistory implements HistoryManager {
    /** The number of the one session there is: this kernel's. */
    static final int SESSION = 1;

    private record Cell(int number, String input, String output) {
    }

    private final List<Cell> cells = new ArrayList<>();

    /**
     * Records a cell.
     *
     * @param number its execution count
     * @param output the text of its result, or empty without one
     */
    public synchronized void add(int number, String input, String output) {
        cells.add(new Cell(number, input, output));
    }

    /**
     * The cells numbered from {@code start} up to, not including, {@code stop} of a session: 0 or
     * {@value #SESSION} is this one. A {@code stop} of 0 or less means to the last cell (a request
     * without one reads as 0); a negative {@code start} counts back from the next line number.
     */
    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        if (session != 0 && session != SESSION) {
            return List.of();
        }
        int next = cells.isEmpty() ? 1 : cells.get(cells.size() - 1).number() + 1;
        int from = start < 0 ? next + start : start;
        int to = stop <= 0 ? Integer.MAX_VALUE : stop;
        return entries(cells.stream().filter(c -> c.number() >= from && c.number() < to).toList(), flags);
    }

    /** The last {@code n} cells; all of them for {@code n} of 0 or less. */
    @Override
    public synchronized List<HistoryEntry> lookupTail(int n, Set<ResultFlag> flags) {
        return entries(last(c -> true, n, false), flags);
    }

    /**
     * The last {@code n} cells (all for 0 or less) whose input matches {@code pattern}, a glob as
     * in SQLite: {@code *}, {@code ?}, {@code [abc]}, {@code [a-z]}, {@code [^abc]}, case
     * sensitive, over the whole input; with {@link ResultFlag#UNIQUE}, an input run several times
     * counts once, at its last run.
     */
    @Override
    public synchronized List<HistoryEntry> search(String pattern, int n, Set<ResultFlag> flags) {
        Pattern regex = glob(pattern == null || pattern.isEmpty() ? "*" : pattern);
        return entries(last(c -> regex.matcher(c.input()).matches(), n, flags.contains(ResultFlag.UNIQUE)), flags);
    }

    private List<Cell> last(Predicate<Cell> wanted, int n, boolean unique) {
        Deque<Cell> found = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        for (int i = cells.size() - 1; i >= 0 && (n <= 0 || found.size() < n); i--) {
            Cell c = cells.get(i);
            if (wanted.test(c) && (!unique || seen.add(c.input()))) {
                found.addFirst(c);
            }
        }
        return List.copyOf(found);
    }

    private static List<HistoryEntry> entries(List<Cell> cells, Set<ResultFlag> flags) {
        boolean output = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        return cells.stream()
                .map(c -> new HistoryEntry(SESSION, c.number(), c.input(), output ? c.output() : null))
                .toList();
    }

    /** A regular expression for an SQLite glob. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            int close = c == '[' ? glob.indexOf(']', i + 2) : -1;
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else if (close > 0) {
                String set = glob.substring(i + 1, close);
                boolean negated = set.startsWith("^");
                regex.append(negated ? "[^" : "[");
                for (char s : (negated ? set.substring(1) : set).toCharArray()) {
                    // A backslash makes any other character literal in a Java regex class.
                    regex.append(Character.isLetterOrDigit(s) || s == '-' ? String.valueOf(s) : "\\" + s);
                }
                regex.append(']');
                i = close;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
