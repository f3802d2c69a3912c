package io.pygmy.order;

import java.util.List;

/** The answer to an {@link OrderQuery}; counters and digest only for a summary. */
public record OrderView(long version, List<Order> orders, Long count, Long confirmed, Long rejected,
                        Long reconciledThroughSeq, String digest) {
  static OrderView orders(long version, List<Order> orders) {
    return new OrderView(version, orders, null, null, null, null, null);
  }
}
