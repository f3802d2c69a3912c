package io.pygmy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void padsEachColumnToItsWidestCellTwoSpacesApart() {
    String text = new TextTable("ID", "TITLE", "STOCK")
        .row(1, "RPCs for Dummies", 100)
        .row(12, "Xen", 7)
        .render();
    assertThat(text).isEqualTo("""
        ID  TITLE             STOCK
        1   RPCs for Dummies  100
        12  Xen               7
        """);
  }

  @Test
  void showsMissingValuesAsADashAndLeavesNoTrailingSpaces() {
    String text = new TextTable("NODE", "PID", "NOTE").row("catalog-1", null, "").render();
    assertThat(text).isEqualTo("NODE       PID  NOTE\ncatalog-1  -\n");
    assertThat(text.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
  }

  @Test
  void anEmptyTableIsItsHeader() {
    assertThat(new TextTable("A", "B").render()).isEqualTo("A  B\n");
  }

  @Test
  void refusesARowOfTheWrongWidth() {
    TextTable t = new TextTable("A", "B");
    assertThatThrownBy(() -> t.row("only one")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(TextTable::new).isInstanceOf(IllegalArgumentException.class);
  }
}
