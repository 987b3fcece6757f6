package io.scoutbot.resource;

import org.junit.jupiter.api.Nested;

/** The work-limit contract against both implementations. */
class WorkLimitContractTest {

  @Nested
  class Fixed extends WorkLimitContract {
    @Override
    protected WorkLimit limitOfTwo() {
      return WorkLimit.fixed(2);
    }
  }

  @Nested
  class Adaptive extends WorkLimitContract {
    @Override
    protected WorkLimit limitOfTwo() {
      return new AdaptiveWorkLimit(2, 3);
    }
  }
}
