package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerIdTest {

  static final long NS = 4026599999L; // not this process's own namespace
  static final long GONE = Long.MAX_VALUE / 2;

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
  void isDeadOn_aMissingProcessOnThisNodeAndNamespace_isTrue_butNeverForAnotherNode() {
    WorkerId gone = new WorkerId("me", GONE, 1, NS);
    assertThat(gone.isDeadOn("me", host(NS, true))).isTrue();
    assertThat(gone.isDeadOn("other", host(NS, true))).isFalse();
  }

  @Test
  void isDeadOn_aMissingProcessInAnotherPidNamespace_isFalse_becauseItsPidMeansNothingHere() {
    WorkerId otherContainer = new WorkerId("me", GONE, 1, NS + 1);
    assertThat(otherContainer.isDeadOn("me", host(NS, true))).isFalse();
  }

  @Test
  void isDeadOn_whenEitherPidNamespaceIsUnknown_isFalse_soALiveContainersLeaseIsNotExpired() {
    WorkerId fromContainer = new WorkerId("me", GONE, 1, NS);
    WorkerId oldStyle = new WorkerId("me", GONE, 1);

    // this process cannot read /proc/self/ns/pid: a container's pid 1 is not ours to judge
    assertThat(fromContainer.isDeadOn("me", host(0, true))).isFalse();
    assertThat(oldStyle.isDeadOn("me", host(NS, true))).isFalse();
  }

  @Test
  void isDeadOn_aPidHiddenByHidepid_isFalse_becauseHiddenIsNotGone() {
    WorkerId otherUsersServe = new WorkerId("me", GONE, 1, NS);

    assertThat(otherUsersServe.isDeadOn("me", host(NS, false))).isFalse();
  }

  @Test
  void isDeadOn_aReusedPid_isTrue() {
    WorkerId current = WorkerId.current("me");
    WorkerId earlier =
        new WorkerId("me", current.pid(), current.startMillis() - 3_600_000, NS);
    assertThat(earlier.isDeadOn("me", host(NS, false))).isTrue();
  }

  @Test
  void isAliveOn_thisProcess_isTrue_andAMissingOrHiddenOrForeignProcess_isFalse() {
    assertThat(WorkerId.current("me").isAliveOn("me")).isTrue();
    assertThat(WorkerId.current("me").isAliveOn("other")).isFalse();
    assertThat(new WorkerId("me", GONE, 1, NS).isAliveOn("me", host(NS, true))).isFalse();
    WorkerId self = WorkerId.current("me");
    WorkerId sameProcess = new WorkerId("me", self.pid(), self.startMillis(), NS);
    assertThat(sameProcess.isAliveOn("me", host(NS, true))).isTrue();
    assertThat(sameProcess.isAliveOn("me", host(NS + 1, true))).isFalse();
    assertThat(new WorkerId("me", self.pid(), 0, NS).isAliveOn("me", host(NS, true)))
        .as("an unknown start time proves nothing").isFalse();
  }

  @Test
  void procShowsEveryProcess_onlyWithoutHidepid() {
    String plain = "22 27 0:21 / /proc rw,relatime - proc proc rw";
    String hidden = "22 27 0:21 / /proc rw,relatime - proc proc rw,hidepid=2";
    String invisible = "22 27 0:21 / /proc rw,relatime shared:5 - proc proc rw,hidepid=invisible";
    String off = "22 27 0:21 / /proc rw - proc proc rw,hidepid=0";
    String elsewhere = "22 27 0:21 / /mnt/proc rw - proc proc rw";

    assertThat(WorkerId.Host.procShowsEveryProcess(List.of(plain))).isTrue();
    assertThat(WorkerId.Host.procShowsEveryProcess(List.of(off))).isTrue();
    assertThat(WorkerId.Host.procShowsEveryProcess(List.of(hidden))).isFalse();
    assertThat(WorkerId.Host.procShowsEveryProcess(List.of(invisible))).isFalse();
    assertThat(WorkerId.Host.procShowsEveryProcess(List.of(elsewhere))).isFalse();
  }

  /** A host in pid namespace {@code ns} seeing only this test's own process. */
  private static WorkerId.Host host(long ns, boolean showsEveryProcess) {
    return new WorkerId.Host() {
      @Override
      public long pidNamespace() {
        return ns;
      }

      @Override
      public boolean showsEveryProcess() {
        return showsEveryProcess;
      }

      @Override
      public Optional<ProcessHandle> process(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      }
    };
  }
}
