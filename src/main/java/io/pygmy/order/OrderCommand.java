package io.pygmy.order;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.pygmy.catalog.Reservation;
import java.util.List;

/** A replicated write to the order log. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OrderCommand.Record.class, name = "record"),
    @JsonSubTypes.Type(value = OrderCommand.RecordAll.class, name = "record-all")
})
public sealed interface OrderCommand {
  /**
   * Records the order for a catalog reservation. Sent by the replica that coordinated the buy, or by
   * the leader's reconciler when that coordinator died between reserving and recording. Recording the
   * same reservation twice returns the first order.
   */
  record Record(Reservation reservation) implements OrderCommand {}

  /**
   * The orders of several reservations in one log entry (the buys one catalog entry reserved together),
   * each recorded exactly as a lone {@link Record}, with one reply each.
   */
  record RecordAll(List<Reservation> reservations) implements OrderCommand {
    /** Most reservations one entry may carry. */
    public static final int MAX = 256;

    public RecordAll {
      reservations = List.copyOf(reservations);
    }
  }
}
