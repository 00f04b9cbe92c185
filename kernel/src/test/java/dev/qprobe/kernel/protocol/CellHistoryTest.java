package dev.qprobe.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager.ResultFlag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CellHistoryTest {
    private static final Set<ResultFlag> NONE = EnumSet.noneOf(ResultFlag.class);
    private final CellHistory history = new CellHistory();

    @BeforeEach
    void fill() {
        history.add(1, "int a = 1;", "");
        history.add(2, "a + 1", "2");
        history.add(3, "System.out.println(a);", "");
        history.add(5, "a + 1", "2"); // 4 did not store history
        history.add(6, "String s = \"[x]\";", "");
    }

    private static List<Integer> numbers(List<HistoryEntry> entries) {
        return entries.stream().map(HistoryEntry::getCellNumber).toList();
    }

    @Test
    void tailGivesTheLastCellsInOrder() {
        List<HistoryEntry> tail = history.lookupTail(2, NONE);
        assertEquals(List.of(5, 6), numbers(tail));
        assertEquals("a + 1", tail.get(0).getInput());
        assertNull(tail.get(0).getOutput(), "no output unless asked for");
        assertEquals(CellHistory.SESSION, tail.get(0).getSession());
        assertEquals(List.of(1, 2, 3, 5, 6), numbers(history.lookupTail(0, NONE)), "no n: all of them");
        assertEquals(List.of(1, 2, 3, 5, 6), numbers(history.lookupTail(50, NONE)));
    }

    @Test
    void outputIsTheResultOrEmpty() {
        List<HistoryEntry> tail = history.lookupTail(5, EnumSet.of(ResultFlag.INCLUDE_OUTPUT));
        assertEquals("", tail.get(0).getOutput());
        assertEquals("2", tail.get(1).getOutput());
        assertTrue(tail.get(0).hasOutput());
    }

    @Test
    void rangeIsFromStartToBeforeStop() {
        assertEquals(List.of(2, 3), numbers(history.lookupRange(0, 2, 4, NONE)));
        assertEquals(List.of(3, 5), numbers(history.lookupRange(CellHistory.SESSION, 3, 6, NONE)));
        assertEquals(List.of(1, 2, 3, 5, 6), numbers(history.lookupRange(0, 0, 0, NONE)), "no stop: to the end");
        assertEquals(List.of(5, 6), numbers(history.lookupRange(0, -2, 0, NONE)), "negative start counts back");
        assertEquals(List.of(), history.lookupRange(-1, 0, 0, NONE), "earlier sessions are not kept");
        assertEquals(List.of(), history.lookupRange(2, 0, 0, NONE));
    }

    @Test
    void searchMatchesAGlobOverTheWholeInput() {
        assertEquals(List.of(2, 5), numbers(history.search("a + ?", 0, NONE)));
        assertEquals(List.of(), numbers(history.search("a +", 0, NONE)), "the whole input, not a part");
        assertEquals(List.of(1, 3), numbers(history.search("*a*;", 0, NONE)));
        assertEquals(List.of(5), numbers(history.search("a + ?", 1, NONE)), "n keeps the last ones");
        assertEquals(List.of(1, 2, 3, 5, 6), numbers(history.search(null, 0, NONE)), "no pattern matches all");
        assertEquals(List.of(), numbers(history.search("A + 1", 0, NONE)), "case matters, as in SQLite");
    }

    @Test
    void uniqueKeepsTheLastRunOfEachInput() {
        assertEquals(List.of(1, 3, 5, 6), numbers(history.search("*", 0, EnumSet.of(ResultFlag.UNIQUE))));
        assertEquals(List.of(5), numbers(history.search("a + 1", 0, EnumSet.of(ResultFlag.UNIQUE))));
    }

    @Test
    void globCharacterClasses() {
        assertTrue(CellHistory.glob("[ab]+[0-9]").matcher("b+7").matches());
        assertFalse(CellHistory.glob("[^ab]x").matcher("ax").matches());
        assertTrue(CellHistory.glob("[^ab]x").matcher("cx").matches());
        assertTrue(CellHistory.glob("a.b(c)").matcher("a.b(c)").matches(), "regex characters are literal");
        assertFalse(CellHistory.glob("a.b").matcher("axb").matches());
        assertTrue(CellHistory.glob("[]]").matcher("]").matches(), "a ] first in a class is literal");
        assertTrue(CellHistory.glob("*\"[[]x]\"*").matcher("String s = \"[x]\";").matches());
        assertTrue(CellHistory.glob("x*").matcher("x\ny").matches(), "* spans lines");
    }
}
