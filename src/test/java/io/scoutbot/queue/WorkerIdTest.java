package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerIdTest {

  @Test
  void text_roundTrips_withAndWithoutThePidNamespace() {
    WorkerId w = new WorkerId("host-1.example", 4711, 1767225600000L);
    WorkerId n = new WorkerId("host-1.example", 1, 1767225600000L, 4026531836L);
    assertThat(WorkerId.parse(w.toString())).contains(w);
    assertThat(WorkerId.parse(n.toString())).contains(n);
    assertThat(n.toString()).isEqualTo("host-1.example/1/1767225600000/4026531836");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "host", "host/1", "/1/2", "host/x/2", "host/1/y", "host/1/2/z",
    "host/1/2/3/4"})
  void parse_rejectsWhatIsNotAWorkerId(String text) {
    assertThat(WorkerId.parse(text)).isEmpty();
  }

  @Test
  void isDeadOn_thisProcess_isFalse() {
    assertThat(WorkerId.current("me").isDeadOn("me")).isFalse();
  }

  @Test
  void isDeadOn_aMissingProcessOnThisNode_isTrue_butNeverForAnotherNode() {
    WorkerId gone = new WorkerId("me", Long.MAX_VALUE / 2, 1);
    assertThat(gone.isDeadOn("me")).isTrue();
    assertThat(gone.isDeadOn("other")).isFalse();
  }

  @Test
  void isDeadOn_aMissingProcessInAnotherPidNamespace_isFalse_becauseItsPidMeansNothingHere() {
    Assumptions.assumeTrue(WorkerId.localPidNamespace() != 0, "no /proc/self/ns/pid here");
    WorkerId otherContainer =
        new WorkerId("me", Long.MAX_VALUE / 2, 1, WorkerId.localPidNamespace() + 1);
    WorkerId sameContainer =
        new WorkerId("me", Long.MAX_VALUE / 2, 1, WorkerId.localPidNamespace());

    assertThat(otherContainer.isDeadOn("me")).isFalse();
    assertThat(sameContainer.isDeadOn("me")).isTrue();
  }

  @Test
  void isDeadOn_aReusedPid_isTrue() {
    WorkerId current = WorkerId.current("me");
    WorkerId earlier = new WorkerId("me", current.pid(), current.startMillis() - 3_600_000);
    assertThat(earlier.isDeadOn("me")).isTrue();
  }
}
