package dev.flagstore.sample;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page ({@code static/index.html}) in headless Chromium: it shows the flags and AVAILABLE; the
 * <em>Simulate outage</em> button turns the badge red and UNAVAILABLE (checked in a screenshot too); <em>End
 * outage</em> brings AVAILABLE back after the sample's re-sync; <em>Toggle via endpoint</em> edits a flag through the
 * {@code flagstore} Actuator endpoint and the table shows its next version.
 *
 * <p>Runs only in the {@code browser} profile ({@code ./mvnw -pl sample-app -am verify -Pbrowser}) and needs
 * Debian's {@code chromium} and {@code chromium-driver} packages ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; other paths with {@code -Dchromium.binary=} and {@code -Dchromedriver.binary=}).
 * Screenshots go to {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "flagstore.status.poll-interval=50ms", "flagstore.status.heartbeat-interval=100ms" })
class StatusPageBrowserIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/** Badge colours of {@code index.html}: {@code .up} #2e7d32 and {@code .down} #c62828. */
	private static final int GREEN = 0x2e7d32;

	private static final int RED = 0xc62828;

	/** A badge is about 120 × 30 pixels; a few hundred of its colour prove it is drawn. */
	private static final int BADGE_PIXELS = 300;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	private Path userDataDir;

	private ChromeDriver browser;

	@BeforeEach
	void startBrowser() throws IOException {
		String chromium = System.getProperty("chromium.binary", "/usr/bin/chromium");
		String chromedriver = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
		assertThat(new File(chromium)).as("Chromium; install it with: apt-get install -y chromium chromium-driver")
			.canRead();
		assertThat(new File(chromedriver))
			.as("ChromeDriver; install it with: apt-get install -y chromium chromium-driver")
			.canRead();
		Files.createDirectories(screenshots());
		this.userDataDir = Files.createTempDirectory(screenshots(), "chromium-profile-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + this.userDataDir);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File(chromedriver))
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowser() throws Exception {
		try {
			if (this.browser != null) {
				this.browser.quit();
			}
			send("DELETE", "/api/demo/outage");
		}
		finally {
			if (this.userDataDir != null) {
				try (Stream<Path> files = Files.walk(this.userDataDir)) {
					files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
				}
			}
		}
	}

	@Test
	void statusPageShouldShowAnOutageAndTheRecovery() throws Exception {
		this.browser.get("http://localhost:" + this.port + "/");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(flagKeys()).containsExactlyInAnyOrder(
				"new-checkout", "dark-mode", "search-v2", "beta-banner"));
		await().atMost(TIMEOUT).until(() -> badge().equals("AVAILABLE"));
		BufferedImage available = screenshot("status-available.png");
		assertThat(pixels(available, GREEN)).as("green badge pixels").isGreaterThan(BADGE_PIXELS);
		assertThat(pixels(available, RED)).as("red badge pixels").isZero();

		this.browser.findElement(By.id("outage-start")).click();
		await().atMost(TIMEOUT).until(() -> badge().equals("UNAVAILABLE"));
		// The idle application's heartbeat found the store down: the page shows the sanitized cause.
		assertThat(this.browser.findElement(By.id("error")).getText()).startsWith("Last error: ");
		BufferedImage outage = screenshot("status-unavailable.png");
		assertThat(pixels(outage, RED)).as("red badge pixels").isGreaterThan(BADGE_PIXELS);
		assertThat(pixels(outage, GREEN)).as("green badge pixels").isZero();
		// Reads are served from the cache during the outage: the flags stay on the page.
		assertThat(flagKeys()).hasSize(4);

		this.browser.findElement(By.id("outage-end")).click();
		// Recovery says "refresh needed" until the sample's flag source has written all flags again.
		await().atMost(TIMEOUT).until(() -> badge().equals("AVAILABLE"));
		BufferedImage recovered = screenshot("status-recovered.png");
		assertThat(pixels(recovered, GREEN)).as("green badge pixels").isGreaterThan(BADGE_PIXELS);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(historyAvailableColumn()).contains("false", "true"));
	}

	@Test
	void aFlagEditedThroughTheFlagstoreEndpointShouldShowOnThePage() throws Exception {
		this.browser.get("http://localhost:" + this.port + "/");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(flagKeys()).contains("dark-mode"));
		String before = row("dark-mode").get(2);
		int version = Integer.parseInt(row("dark-mode").get(1));
		this.browser.findElement(By.id("endpoint-toggle-dark-mode")).click();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.browser.findElement(By.id("endpoint-result"))
			.getText()).isEqualTo("Endpoint wrote dark-mode at version " + (version + 1)));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(row("dark-mode").subList(0, 4)).containsExactly(
				"dark-mode", Integer.toString(version + 1), before.equals("true") ? "false" : "true",
				"Dark theme for the web app"));
		screenshot("endpoint-edit.png");
		assertThat(this.browser.findElement(By.id("endpoint-link")).getAttribute("href")).endsWith("/actuator/flagstore");
	}

	/**
	 * The cells of a flag's row: key, version, on, description, actions. Read in one script: the page redraws the
	 * table every second, which would leave element references stale between two calls.
	 */
	@SuppressWarnings("unchecked")
	private List<String> row(String key) {
		List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) this.browser).executeScript(
				"return [...document.querySelectorAll('#flags tr')].map(tr => [...tr.cells].map(td => td.innerText));");
		return rows.stream()
			.filter(cells -> !cells.isEmpty() && cells.get(0).equals(key))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no row for " + key + " in " + rows));
	}

	private String badge() {
		return this.browser.findElement(By.id("status")).getText();
	}

	private List<String> flagKeys() {
		return this.browser.findElements(By.cssSelector("#flags tr td:first-child"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private List<String> historyAvailableColumn() {
		return this.browser.findElements(By.cssSelector("#history tr td:nth-child(2)"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	/**
	 * Saves a screenshot of the page and answers one of the store's badge only: the page has other badges (the flag
	 * source's) whose colours must not count.
	 */
	private BufferedImage screenshot(String name) throws IOException {
		byte[] png = this.browser.getScreenshotAs(OutputType.BYTES);
		Files.write(screenshots().resolve(name), png);
		assertThat(ImageIO.read(new ByteArrayInputStream(png))).as("PNG screenshot " + name).isNotNull();
		byte[] badge = this.browser.findElement(By.id("status")).getScreenshotAs(OutputType.BYTES);
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(badge));
		assertThat(image).as("PNG screenshot of the store badge").isNotNull();
		assertThat(image.getWidth()).isPositive();
		return image;
	}

	/** Pixels within a small distance of {@code rgb} per channel. */
	private static int pixels(BufferedImage image, int rgb) {
		int count = 0;
		for (int y = 0; y < image.getHeight(); y++) {
			for (int x = 0; x < image.getWidth(); x++) {
				int pixel = image.getRGB(x, y);
				if (close(pixel >> 16, rgb >> 16) && close(pixel >> 8, rgb >> 8) && close(pixel, rgb)) {
					count++;
				}
			}
		}
		return count;
	}

	private static boolean close(int a, int b) {
		return Math.abs((a & 0xff) - (b & 0xff)) <= 8;
	}

	private static Path screenshots() {
		return Path.of(System.getProperty("flagstore.screenshots.dir", "target/screenshots"));
	}

	private void send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		this.http.send(request, HttpResponse.BodyHandlers.discarding());
	}

}
