package io.pygmy.chaos;

import static io.pygmy.chaos.Histories.buy;
import static io.pygmy.chaos.Histories.read;
import static io.pygmy.chaos.Histories.restock;
import static io.pygmy.chaos.Histories.setCost;
import static io.pygmy.chaos.Histories.store;
import static io.pygmy.chaos.Histories.unknownBuy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChecksTest {
  // initial 10; buy 3 (confirmed), restock 5 -> 12
  private final List<Op> clean = List.of(
      buy(1, 1, 3, 0, 10, "CONFIRMED", 1),
      restock(2, 1, 5, 20, 30, 12),
      read(3, 1, 12, 100, 40, 50));

  @Nested
  class Conservation {
    @Test
    void holdsWhenEveryReplicaEndsAtInitialPlusRestockedMinusSold() {
      assertThat(Checks.conservation(clean, store(10, 12, clean).build())).isEmpty();
    }

    @Test
    void failsWhenOneReplicaHoldsOtherStock() {
      List<Violation> v = Checks.conservation(clean, store(10, 12, clean).replicaStock("catalog-2", 13).build());
      assertThat(v).singleElement().satisfies(x -> {
        assertThat(x.check()).isEqualTo(Checks.CONSERVATION);
        assertThat(x.message()).contains("catalog-2").contains("13");
      });
    }

    @Test
    void failsWhenAnAcknowledgedBuyIsNotInTheStock() {
      assertThat(Checks.conservation(clean, store(10, 15, clean).build())).hasSize(3);
    }

    @Test
    void countsAnUnknownBuyByWhatTheStoreSaysOfItsKey() {
      Op lost = unknownBuy(4, 1, 2, 60);
      List<Op> h = List.of(clean.get(0), clean.get(1), lost);
      assertThat(Checks.conservation(h, store(10, 10, h, lost).build())).isEmpty();
      assertThat(Checks.conservation(h, store(10, 12, h).build())).isEmpty();
      assertThat(Checks.conservation(h, store(10, 12, h, lost).build())).hasSize(3);
    }

    @Test
    void failsWhenAClientSawANegativeStock() {
      List<Op> h = List.of(read(1, 1, -1, 100, 0, 1));
      assertThat(Checks.conservation(h, store(10, 10, h).build()))
          .anySatisfy(x -> assertThat(x.message()).contains("negative"));
    }
  }

  @Nested
  class Orders {
    @Test
    void holdWhenEveryAcknowledgedBuyHasItsOrderOnce() {
      assertThat(Checks.orders(clean, store(10, 12, clean).build())).isEmpty();
    }

    @Test
    void failWhenAnAcknowledgedOrderIsMissing() {
      Histories.Builder s = store(10, 12, clean);
      s.orders.clear();
      assertThat(Checks.orders(clean, s.build()))
          .anySatisfy(x -> assertThat(x.message()).contains("acknowledged order 1 does not exist"))
          .anySatisfy(x -> assertThat(x.message()).contains("has no order: a half-done buy"));
    }

    @Test
    void failWhenOneKeyNamesTwoOrders() {
      Histories.Builder s = store(10, 12, clean);
      s.orders.add(new StoreState.Order(2, "k1", 1, 3, "CONFIRMED"));
      assertThat(Checks.orders(clean, s.build())).anySatisfy(x -> assertThat(x.message()).contains("names two orders"));
    }

    @Test
    void failWhenRetriesOfOneKeyWereAnsweredWithDifferentOrders() {
      Op retried = new Op(1, 1, Op.Kind.BUY, 1, "k1", 3, 0, 10 * Histories.MS, Op.Outcome.OK,
          new Op.OrderAck(1, "CONFIRMED"), null, null, List.of(
              new Op.Attempt(0, 1, "f1", 201, "created", 7L), new Op.Attempt(2, 3, "f2", 201, "created", 1L)), null);
      List<Op> h = List.of(retried);
      assertThat(Checks.orders(h, store(10, 7, h).build()))
          .singleElement().satisfies(x -> assertThat(x.message()).contains("answered with orders [7, 1]"));
    }

    @Test
    void failWhenAnOrderBelongsToNoBuyOfTheHistory() {
      Histories.Builder s = store(10, 12, clean);
      s.orders.add(new StoreState.Order(9, "stranger", 1, 1, "CONFIRMED"));
      s.reservations.put("stranger", new StoreState.Reservation(9, "stranger", 1, 1, "RESERVED"));
      assertThat(Checks.orders(clean, s.build())).anySatisfy(x -> assertThat(x.message()).contains("belongs to no buy"));
    }

    @Test
    void failWhenAnAcknowledgedRestockIsNotRemembered() {
      Histories.Builder s = store(10, 12, clean);
      s.updates.clear();
      assertThat(Checks.orders(clean, s.build())).anySatisfy(x -> assertThat(x.message()).contains("not applied"));
    }

    @Test
    void resolveUnknownBuysEitherWay() {
      Op lost = unknownBuy(4, 1, 2, 60);
      List<Op> h = List.of(clean.get(0), lost);
      assertThat(Checks.orders(h, store(10, 5, h, lost).build())).isEmpty();
      assertThat(Checks.orders(h, store(10, 7, h).build())).isEmpty();
      assertThat(Effects.unknowns(h, store(10, 5, h, lost).build())).isEqualTo(new Effects.UnknownTally(1, 0));
    }
  }

  @Nested
  class Convergence {
    @Test
    void holdsWhenDigestsAgree() {
      assertThat(Checks.convergence(store(10, 12, clean).build())).isEmpty();
    }

    @Test
    void failsWhenADigestDiffersOrIsMissing() {
      Histories.Builder s = store(10, 12, clean);
      s.digests.put("order", Map.of("order-1", "b", "order-2", "b", "order-3", "unreachable"));
      assertThat(Checks.convergence(s.build())).singleElement()
          .satisfies(x -> assertThat(x.message()).contains("order replicas disagree"));
    }

    @Test
    void failsWhenReplicasHoldDifferentBooks() {
      assertThat(Checks.convergence(store(10, 12, clean).replicaStock("catalog-3", 11).build())).hasSize(1);
    }
  }

  @Nested
  class StaleReads {
    @Test
    void aReadAfterAnAcknowledgedBuyMustNotShowTheStockBeforeIt() {
      List<Op> h = List.of(buy(1, 1, 3, 0, 10, "CONFIRMED", 1), read(2, 1, 10, 100, 11, 12));
      assertThat(Checks.staleReads(h, store(10, 7, h).build())).singleElement()
          .satisfies(x -> {
            assertThat(x.check()).isEqualTo(Checks.STALE_READ);
            assertThat(x.slice()).extracting(Op::id).containsExactly(1L, 2L);
          });
    }

    @Test
    void aReadConcurrentWithABuyMayShowEitherStock() {
      List<Op> h = List.of(buy(1, 1, 3, 0, 10, "CONFIRMED", 1), read(2, 1, 10, 100, 5, 12),
          read(3, 1, 7, 100, 5, 12));
      assertThat(Checks.staleReads(h, store(10, 7, h).build())).isEmpty();
    }

    @Test
    void aReadAfterAnAcknowledgedRestockMustShowIt() {
      List<Op> h = List.of(restock(1, 1, 5, 0, 10, 15), read(2, 1, 10, 100, 20, 21), read(3, 1, 15, 100, 22, 23));
      assertThat(Checks.staleReads(h, store(10, 15, h).build())).singleElement()
          .satisfies(x -> assertThat(x.message()).contains("#2").contains("15..15"));
    }

    @Test
    void aReadMayShowAnUnknownWriteOrNot() {
      Op lost = unknownBuy(1, 1, 2, 0);
      List<Op> h = List.of(lost, read(2, 1, 10, 100, 20, 21), read(3, 1, 8, 100, 22, 23));
      assertThat(Checks.staleReads(h, store(10, 8, h, lost).build())).isEmpty();
    }

    @Test
    void aReadAfterAnAcknowledgedCostChangeMustNotShowTheOldCost() {
      List<Op> h = List.of(setCost(1, 1, 150, 0, 10), read(2, 1, 10, 150, 11, 12), read(3, 1, 10, 100, 13, 14));
      assertThat(Checks.staleReads(h, store(10, 10, h).build())).singleElement()
          .satisfies(x -> assertThat(x.message()).contains("cost 100"));
    }

    @Test
    void aCostOverwrittenBeforeTheReadStartedIsStale() {
      List<Op> h = List.of(setCost(1, 1, 150, 0, 10), setCost(2, 1, 160, 11, 20), read(3, 1, 10, 150, 30, 31),
          read(4, 1, 10, 160, 32, 33), read(5, 1, 10, 150, 15, 16));
      assertThat(Checks.staleReads(h, store(10, 10, h).build())).singleElement()
          .satisfies(x -> assertThat(x.message()).contains("#3"));
    }
  }

  @Test
  void allChecksPassOnACleanHistory() {
    assertThat(Checks.all(clean, store(10, 12, clean).build())).isEmpty();
  }
}
