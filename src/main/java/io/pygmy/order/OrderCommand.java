package io.pygmy.order;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.pygmy.catalog.Reservation;

/** A replicated write to the order log. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = OrderCommand.Record.class, name = "record")})
public sealed interface OrderCommand {
  /**
   * Records the order for a catalog reservation. Sent by the replica that coordinated the buy, or by
   * the leader's reconciler when that coordinator died between reserving and recording. Recording the
   * same reservation twice returns the first order.
   */
  record Record(Reservation reservation) implements OrderCommand {}
}
