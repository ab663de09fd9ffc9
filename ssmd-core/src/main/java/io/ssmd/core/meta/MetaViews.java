package io.ssmd.core.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one JSON shape of each metadata row, snake_case, shared by the CLI's {@code --json} and {@code /v1/meta/*}: a
 * script reading one reads the other. Instants are ISO-8601 strings, absent values {@code null}, JSON columns
 * (parser config, calendar schedule, schema definition) nested as JSON rather than as strings.
 */
public final class MetaViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetaViews() {}

    /** A feed with the version in effect at the instant asked for ({@code null} when none). */
    public static Map<String, Object> feed(Feed feed, Optional<FeedVersion> version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", feed.name());
        m.put("venue", feed.venue());
        m.put("status", feed.status());
        m.put("created_at", feed.createdAt().toString());
        m.put("disabled_at", feed.disabledAt().map(Instant::toString).orElse(null));
        m.put("version", version.map(MetaViews::feedVersion).orElse(null));
        return m;
    }

    /** {@link #feed} with its calendar and every version, oldest first ({@code feed show}, {@code /feeds/{name}}). */
    public static Map<String, Object> feedDetail(
            Feed feed, Optional<FeedVersion> version, Optional<FeedCalendar> calendar, List<FeedVersion> history) {
        Map<String, Object> m = feed(feed, version);
        m.put("calendar", calendar.map(MetaViews::calendar).orElse(null));
        m.put("history", history.stream().map(MetaViews::feedVersion).toList());
        return m;
    }

    public static Map<String, Object> feedVersion(FeedVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("effective_from", v.effectiveFrom().toString());
        m.put("effective_to", v.effectiveTo().map(Instant::toString).orElse(null));
        m.put("protocol", v.protocol());
        m.put("endpoint", v.endpoint());
        m.put("auth_method", v.authMethod());
        m.put("secret_ref", v.secretRef().orElse(null));
        m.put("capabilities", v.channels());
        m.put("max_symbols_per_connection", v.maxSymbolsPerConnection());
        m.put("rate_limit_per_second", v.rateLimitPerSecond().orElse(null));
        m.put("parser_config", parsed(v.parserConfig()));
        m.put("content_hash", v.contentHash());
        m.put("source_file", v.sourceFile().orElse(null));
        return m;
    }

    public static Map<String, Object> calendar(FeedCalendar c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feed", c.feedName());
        m.put("effective_from", c.effectiveFrom().toString());
        m.put("effective_to", c.effectiveTo().map(Instant::toString).orElse(null));
        m.put("timezone", c.timezone());
        m.put("schedule", parsed(c.schedule()));
        m.put("source", c.source());
        return m;
    }

    /** A schema version without its definition ({@code schema list}). */
    public static Map<String, Object> schema(SchemaVersion s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("version", s.version());
        m.put("status", s.status());
        m.put("format", s.format());
        m.put("effective_from", s.effectiveFrom().toString());
        m.put("deprecated_at", s.deprecatedAt().map(Instant::toString).orElse(null));
        m.put("compatible_with", s.compatibleWith().orElse(null));
        m.put("breaking_changes", s.breaking());
        m.put("sha256", s.schemaHash());
        return m;
    }

    /** A schema version with its JSON Schema and the list of all its versions ({@code schema show}). */
    public static Map<String, Object> schemaDetail(SchemaVersion s, List<SchemaVersion> versions) {
        Map<String, Object> m = schema(s);
        m.put("definition", parsed(s.definition()));
        m.put("versions", versions.stream().map(MetaViews::schema).toList());
        return m;
    }

    /** An environment and its current version ({@code env list}). */
    public static Map<String, Object> environment(EnvironmentSummary e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("status", e.status());
        m.put("version", e.currentVersion());
        m.put("config_hash", e.configHash());
        m.put("deployed_at", e.deployedAt().toString());
        m.put("deployed_by", e.deployedBy());
        return m;
    }

    public static Map<String, Object> environmentVersion(EnvironmentVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment", v.environment());
        m.put("version", v.version());
        m.put("config_hash", v.configHash());
        m.put("source_file", v.sourceFile());
        m.put("deployed_at", v.deployedAt().toString());
        m.put("deployed_by", v.deployedBy());
        m.put("git_commit", v.gitCommit().orElse(null));
        m.put("valid_from", v.validFrom().toString());
        m.put("valid_to", v.validTo().map(Object::toString).orElse(null));
        m.put("config_yaml", v.configYaml());
        return m;
    }

    public static Map<String, Object> deployment(Deployment d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("version", d.version().orElse(null));
        m.put("action", d.action());
        m.put("status", d.status());
        m.put("started_at", d.startedAt().toString());
        m.put("completed_at", d.completedAt().map(Object::toString).orElse(null));
        m.put("error_message", d.errorMessage().orElse(null));
        m.put("trigger", d.trigger());
        m.put("triggered_by", d.triggeredBy());
        m.put("details", d.details().orElse(null));
        return m;
    }

    /** Every version of an environment and its deployment log ({@code env history}). */
    public static Map<String, Object> environmentHistory(
            String name, List<EnvironmentVersion> versions, List<Deployment> deployments) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("environment", name);
        m.put("versions", versions.stream().map(MetaViews::environmentVersion).toList());
        m.put("deployments", deployments.stream().map(MetaViews::deployment).toList());
        return m;
    }

    public static Map<String, Object> change(ConfigChange c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", c.path());
        m.put("before", c.before().orElse(null));
        m.put("after", c.after().orElse(null));
        return m;
    }

    /**
     * A security-master market (DESIGN §15): feed, instrument and every tracked field by its column name, aliases as a
     * list, rules nested as JSON, decimals as numbers, then when the security master first saw it, last changed it and
     * last saw it in a sync.
     */
    public static Map<String, Object> market(Market m) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("feed", m.feed());
        shown.put("instrument", m.instrument());
        MarketRecord r = m.market();
        r.fields().forEach((k, v) -> {
            if (k.equals("aliases")) {
                shown.put(k, r.aliases());
            } else if (k.equals("rules")) {
                shown.put(k, parsedOrText(v));
            } else if (MarketRecord.INT_FIELDS.contains(k)) {
                shown.put(k, v == null ? null : Integer.valueOf(v));
            } else {
                shown.put(k, v);
            }
        });
        shown.put("created_at", text(m.createdAt()));
        shown.put("updated_at", text(m.updatedAt()));
        shown.put("last_seen_at", text(m.lastSeenAt()));
        return shown;
    }

    /**
     * A market's subscribe state (table {@code market_subscriptions}): {@code {"state", "shard", "attempts",
     * "last_error", "updated_at"}}, or null when no feed manager has placed it.
     */
    public static Map<String, Object> subscription(Optional<MarketSubscriptions.Subscription> found) {
        if (found.isEmpty()) {
            return null;
        }
        MarketSubscriptions.Subscription s = found.get();
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("state", s.state());
        shown.put("shard", s.shard());
        shown.put("attempts", s.attempts());
        shown.put("last_error", s.lastError());
        shown.put("updated_at", text(s.updatedAt()));
        return shown;
    }

    /** One {@code market_history} row: {@code {"changed_at", "field", "old", "new"}}. */
    public static Map<String, Object> marketChange(MarketChange c) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("changed_at", text(c.changedAt()));
        shown.put("field", c.field());
        shown.put("old", c.oldValue());
        shown.put("new", c.newValue());
        return shown;
    }

    /** JSON text stored by the venue or a sync, nested as a tree; text that is not JSON stays text. */
    public static Object parsedOrText(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    /** An unknown name: {@code {"error", "did_you_mean", "known"}}. */
    public static Map<String, Object> unknown(UnknownNameException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.getMessage());
        m.put("did_you_mean", e.closest().orElse(null));
        m.put("known", e.known());
        return m;
    }

    private static JsonNode parsed(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the registry holds JSON it wrote itself: " + json, e);
        }
    }
}
