package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class HeadlessChromiumTest {

    @TempDir
    Path dir;

    @Test
    void aMissingBrowserFailsWithHowToInstallIt() {
        Path absent = dir.resolve("chromium");

        assertThatThrownBy(() -> HeadlessChromium.requireInstalled(absent, executable("chromedriver"), Map.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining("sudo apt-get install -y chromium chromium-driver")
                .hasMessageContaining("SSMD_SKIP_BROWSER=1");
    }

    @Test
    void aMissingBrowserSkipsWhenAskedTo() throws Exception {
        Path chromium = executable("chromium");
        Path absentDriver = dir.resolve("chromedriver");

        assertThatThrownBy(() ->
                        HeadlessChromium.requireInstalled(chromium, absentDriver, Map.of("SSMD_SKIP_BROWSER", "1")))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(absentDriver.toString())
                .hasMessageContaining("skipped because SSMD_SKIP_BROWSER=1");
    }

    @Test
    void installedBinariesPass() throws Exception {
        Path chromium = executable("chromium");
        Path driver = executable("chromedriver");

        assertThatCode(() -> HeadlessChromium.requireInstalled(chromium, driver, Map.of()))
                .doesNotThrowAnyException();
    }

    private Path executable(String name) throws java.io.IOException {
        return Files.createFile(
                dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
