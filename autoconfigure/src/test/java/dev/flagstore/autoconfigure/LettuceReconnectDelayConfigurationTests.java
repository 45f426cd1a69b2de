package dev.flagstore.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import dev.flagstore.spring.redis.RedisPersistentDataStore;
import dev.flagstore.store.PersistentDataStoreWrapper;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.Errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link RedisStoreConfiguration.LettuceReconnectDelayConfiguration}: with
 * {@code flagstore.store.type=redis}, the {@link ClientResources} that Spring Boot's Redis auto-configuration builds
 * reconnect at least once per {@code flagstore.redis.max-reconnect-delay}, unless the application says otherwise.
 * None of these tests connects to a server.
 */
class LettuceReconnectDelayConfigurationTests {

	private static final String CUSTOMIZER = "flagstoreLettuceReconnectDelayCustomizer";

	/** Lettuce's default back-off ({@code Delay.exponential()}) caps at 30 s. */
	private static final Duration LETTUCE_DEFAULT_CAP = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, FlagstoreAutoConfiguration.class))
		// No background store calls: nothing here needs a Redis server.
		.withPropertyValues("flagstore.status.heartbeat-interval=0");

	@Test
	void redisTypeShouldCapReconnectDelayAtOneSecondByDefault() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasBean(CUSTOMIZER)
				.hasSingleBean(RedisPersistentDataStore.class)
				.hasSingleBean(PersistentDataStoreWrapper.class);
			assertThat(reconnectDelays(context, 20)).allSatisfy(between(500, 1000));
			// Lettuce's doubling below the cap, 2^(attempt-1) ms, jittered down to half of it.
			assertThat(reconnectDelays(context, 1)).allSatisfy(between(0, 1));
			assertThat(reconnectDelays(context, 5)).allSatisfy(between(8, 16));
			assertThat(reconnectDelays(context, 10)).allSatisfy(between(256, 512));
		});
	}

	@Test
	void reconnectDelayShouldFollowTheProperty() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis", "flagstore.redis.max-reconnect-delay=250ms")
			.run((context) -> {
				assertThat(reconnectDelays(context, 20)).allSatisfy(between(125, 250));
				assertThat(reconnectDelays(context, 8)).allSatisfy(between(64, 128));
			});
	}

	@Test
	void reconnectDelayOfThirtySecondsShouldKeepLettucesCap() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis", "flagstore.redis.max-reconnect-delay=30s")
			.run((context) -> assertThat(reconnectDelays(context, 20))
				.allSatisfy(between(LETTUCE_DEFAULT_CAP.toMillis() / 2, LETTUCE_DEFAULT_CAP.toMillis())));
	}

	@Test
	void reconnectDelaysAtTheCapShouldBeJittered() {
		// Many instances (and many connections of one application) cut off by the same outage must not retry in step.
		this.contextRunner.withPropertyValues("flagstore.store.type=redis")
			.run((context) -> assertThat(reconnectDelays(context, 20)).hasSizeGreaterThan(1));
	}

	@Test
	void otherStoreTypesShouldLeaveTheClientAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(CUSTOMIZER);
			assertThat(reconnectDelay(context, 20)).isEqualTo(LETTUCE_DEFAULT_CAP);
		});
		this.contextRunner.withPropertyValues("flagstore.store.type=none").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(CUSTOMIZER);
			assertThat(reconnectDelay(context, 20)).isEqualTo(LETTUCE_DEFAULT_CAP);
		});
	}

	@Test
	void applicationCustomizerShouldRunAfterOursAndWin() {
		this.contextRunner.withUserConfiguration(UserCustomizerConfiguration.class)
			.withPropertyValues("flagstore.store.type=redis")
			.run((context) -> {
				assertThat(context).hasBean(CUSTOMIZER).hasBean("userReconnectDelayCustomizer");
				assertThat(reconnectDelay(context, 20)).isEqualTo(UserCustomizerConfiguration.DELAY);
				assertThat(reconnectDelay(context, 1)).isEqualTo(UserCustomizerConfiguration.DELAY);
			});
	}

	@Test
	void applicationBeanOfTheSameNameShouldReplaceOurs() {
		this.contextRunner.withUserConfiguration(SameNameCustomizerConfiguration.class)
			.withPropertyValues("flagstore.store.type=redis")
			.run((context) -> {
				assertThat(context).getBean(CUSTOMIZER).isSameAs(SameNameCustomizerConfiguration.CUSTOMIZER);
				assertThat(context.getBeansOfType(ClientResourcesBuilderCustomizer.class)).hasSize(1);
				assertThat(reconnectDelay(context, 20)).isEqualTo(LETTUCE_DEFAULT_CAP);
			});
	}

	@Test
	void withoutLettuceShouldStartWithoutCustomizer() {
		// A Jedis application: Spring Data Redis and Boot's Redis auto-configuration, but no io.lettuce classes.
		this.contextRunner.withUserConfiguration(RedisConnectionFactoryConfiguration.class)
			.withClassLoader(new FilteredClassLoader("io.lettuce"))
			.withPropertyValues("flagstore.store.type=redis")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CUSTOMIZER)
				.doesNotHaveBean(ClientResources.class)
				.hasSingleBean(RedisPersistentDataStore.class));
	}

	@Test
	void withoutSpringBootDataRedisShouldStartWithoutCustomizer() {
		// Spring Data Redis and Lettuce with a connection factory of the application's own, but not Boot's module.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FlagstoreAutoConfiguration.class))
			.withUserConfiguration(RedisConnectionFactoryConfiguration.class)
			.withClassLoader(new FilteredClassLoader(ClientResourcesBuilderCustomizer.class))
			.withPropertyValues("flagstore.store.type=redis", "flagstore.status.heartbeat-interval=0")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CUSTOMIZER)
				.hasSingleBean(RedisPersistentDataStore.class));
	}

	@Test
	void badValueShouldFailStartUpWithTheFix() {
		this.contextRunner.withPropertyValues("flagstore.store.type=redis", "flagstore.redis.max-reconnect-delay=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new FlagstoreFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("Property: flagstore.redis.max-reconnect-delay")
					.contains("Value: \"0\"")
					.contains("Reason: must be a positive duration");
				assertThat(analysis.getAction()).isEqualTo("Set flagstore.redis.max-reconnect-delay to a positive "
						+ "duration such as 1s (30s is Lettuce's own cap).");
			});
	}

	@Test
	void nullValueShouldBeRejected() {
		// Properties cannot bind null (an empty value keeps the default), but code can set it.
		FlagstoreProperties properties = new FlagstoreProperties();
		properties.getRedis().setMaxReconnectDelay(null);
		Errors errors = new BeanPropertyBindingResult(properties, "flagstore");
		properties.validate(properties, errors);
		assertThat(errors.getFieldErrors()).singleElement().satisfies((error) -> {
			assertThat(error.getField()).isEqualTo("redis.maxReconnectDelay");
			assertThat(error.getArguments()).containsExactly("Set flagstore.redis.max-reconnect-delay to a positive "
					+ "duration such as 1s (30s is Lettuce's own cap).");
		});
	}

	private static Duration reconnectDelay(AssertableApplicationContext context, int attempt) {
		return context.getBean(ClientResources.class).reconnectDelay().createDelay(attempt);
	}

	/** The distinct delays of many draws for one attempt. */
	private static Set<Duration> reconnectDelays(AssertableApplicationContext context, int attempt) {
		Delay delay = context.getBean(ClientResources.class).reconnectDelay();
		Set<Duration> delays = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			delays.add(delay.createDelay(attempt));
		}
		return delays;
	}

	private static ThrowingConsumer<Duration> between(long minMillis, long maxMillis) {
		return (delay) -> assertThat(delay).isBetween(Duration.ofMillis(minMillis), Duration.ofMillis(maxMillis));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizerConfiguration {

		static final Duration DELAY = Duration.ofMillis(300);

		@Bean
		ClientResourcesBuilderCustomizer userReconnectDelayCustomizer() {
			return (builder) -> builder.reconnectDelay(Delay.constant(DELAY));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SameNameCustomizerConfiguration {

		static final ClientResourcesBuilderCustomizer CUSTOMIZER = (builder) -> {
		};

		@Bean
		ClientResourcesBuilderCustomizer flagstoreLettuceReconnectDelayCustomizer() {
			return CUSTOMIZER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConnectionFactoryConfiguration {

		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			return mock(RedisConnectionFactory.class);
		}

	}

}
