package org.recsys4j.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks request bodies. Everything a client can get wrong (not JSON, duplicate or
 * unknown fields, wrong types, values out of bounds, unknown inputs) is an {@link ApiException}
 * whose message names the field, answered with 400.
 */
final class Requests {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** {@code :recommend}: one query, its k, ids to leave out, and whether to leave out its training items. */
    record Recommend(Map<String, Object> query, int k, Set<String> exclude, boolean excludeSeen) {
    }

    /** {@code :similar}: the item, its k, ids to leave out. */
    record Similar(String item, int k, Set<String> exclude) {
    }

    /** {@code :predict}: the queries, and whether they came in TF Serving's columnar form ({@code inputs}). */
    record Predict(List<Map<String, Object>> queries, boolean columnar) {
    }

    private final ServingOptions options;

    Requests(ServingOptions options) {
        this.options = options;
    }

    JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + Strings.cut(e.getOriginalMessage())
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + Strings.cut(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object, got "
                    + (root == null ? "nothing" : kind(root)));
        }
        return root;
    }

    /**
     * {@code :recommend}'s request. A valid request of the usual shape (string inputs) is read
     * token by token, without building a tree (a {@code :recommend} is read on every request);
     * anything else, every mistake included, is read again as a tree, whose checks name the field.
     */
    Recommend recommend(byte[] body, Servable model) {
        Recommend r = streamed(body, model);
        return r != null ? r : recommend(parse(body), model);
    }

    /** The request if it is valid and plain (no numeric inputs); null otherwise, to be read as a tree. */
    Recommend streamed(byte[] body, Servable model) {
        try (JsonParser p = JSON.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, Object> query = null;
            int k = 0;
            Set<String> exclude = null;
            Boolean excludeSeen = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "query" -> {
                        if (query != null || v != JsonToken.START_OBJECT || (query = streamedQuery(p, model)) == null) {
                            return null;
                        }
                    }
                    case "k" -> {
                        if (k != 0 || v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                                || p.getIntValue() < 1 || p.getIntValue() > options.maxK()) {
                            return null;
                        }
                        k = p.getIntValue();
                    }
                    case "exclude" -> {
                        if (exclude != null || v != JsonToken.START_ARRAY || (exclude = streamedIds(p)) == null) {
                            return null;
                        }
                    }
                    case "exclude_seen" -> {
                        if (excludeSeen != null || !v.isBoolean()) {
                            return null;
                        }
                        excludeSeen = v == JsonToken.VALUE_TRUE;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || query == null) {
                return null;
            }
            return new Recommend(query, k == 0 ? options.defaultK() : k, exclude == null ? Set.of() : exclude,
                    excludeSeen != null && excludeSeen);
        } catch (IOException e) {
            return null; // not JSON, or a duplicate field: the tree says which
        }
    }

    /** The query's inputs, each a known, non-numeric input given once as a string, with the id; or null. */
    private static Map<String, Object> streamedQuery(JsonParser p, Servable model) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING || !model.isInput(name) || model.isNumeric(name)
                    || out.put(name, p.getText()) != null) {
                return null;
            }
        }
        return t == JsonToken.END_OBJECT && out.containsKey(model.queryFeature()) ? out : null;
    }

    /** A list of at most {@code --max-exclude} strings; or null. */
    private Set<String> streamedIds(JsonParser p) throws IOException {
        Set<String> out = new HashSet<>();
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            out.add(p.getText());
            n++;
        }
        return t == JsonToken.END_ARRAY && n <= options.maxExclude() ? out : null;
    }

    Recommend recommend(JsonNode root, Servable model) {
        onlyFields(root, "query", "k", "exclude", "exclude_seen");
        JsonNode q = root.get("query");
        if (q == null) {
            throw ApiException.badRequest("'query' is missing: give the query's inputs, e.g. {\"query\": {\""
                    + model.queryFeature() + "\": \"42\"}}");
        }
        if (!q.isObject()) {
            throw ApiException.badRequest("'query' must be an object of the model's inputs " + model.inputNames()
                    + ", got " + kind(q));
        }
        return new Recommend(query(q, model, "query"), k(root), ids(root, "exclude"),
                bool(root, "exclude_seen", false));
    }

    Similar similar(JsonNode root) {
        onlyFields(root, "item", "k", "exclude");
        JsonNode item = root.get("item");
        if (item == null || !item.isTextual()) {
            throw ApiException.badRequest("'item' must be a candidate id (a string), got "
                    + (item == null ? "nothing" : kind(item)));
        }
        return new Similar(item.asText(), k(root), ids(root, "exclude"));
    }

    Predict predict(JsonNode root, Servable model) {
        onlyFields(root, "signature_name", "instances", "inputs");
        JsonNode signature = root.get("signature_name");
        if (signature != null && !(signature.isTextual() && (signature.asText().isEmpty()
                || signature.asText().equals(Responses.SIGNATURE)))) {
            throw ApiException.badRequest("'signature_name' " + Strings.cut(signature.toString())
                    + " is not a signature of this model; it has \"" + Responses.SIGNATURE + "\"");
        }
        JsonNode instances = root.get("instances");
        JsonNode inputs = root.get("inputs");
        if ((instances == null) == (inputs == null)) {
            throw ApiException.badRequest("give exactly one of 'instances' (row format) and 'inputs' (columnar"
                    + " format)");
        }
        List<Map<String, Object>> queries = new ArrayList<>();
        if (instances != null) {
            if (!instances.isArray()) {
                throw ApiException.badRequest("'instances' must be a list, got " + kind(instances));
            }
            batchSize(instances.size(), "instances");
            for (int i = 0; i < instances.size(); i++) {
                JsonNode row = instances.get(i);
                String where = "instances[" + i + "]";
                queries.add(row.isObject() ? query(row, model, where) : single(row, model, where));
            }
            return new Predict(queries, false);
        }
        if (inputs.isArray()) { // the one input's values
            batchSize(inputs.size(), "inputs");
            for (int i = 0; i < inputs.size(); i++) {
                queries.add(single(inputs.get(i), model, "inputs[" + i + "]"));
            }
            return new Predict(queries, true);
        }
        if (!inputs.isObject()) {
            throw ApiException.badRequest("'inputs' must be an object of lists (by input name) or a list, got "
                    + kind(inputs));
        }
        JsonNode ids = inputs.get(model.queryFeature());
        if (ids == null || !ids.isArray()) {
            throw ApiException.badRequest("'inputs." + model.queryFeature() + "' must be a list of ids");
        }
        batchSize(ids.size(), "inputs." + model.queryFeature());
        for (Iterator<String> it = inputs.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode column = inputs.get(name);
            if (!model.inputNames().contains(name)) {
                throw unknownInput("inputs", name, model);
            }
            if (!column.isArray() || column.size() != ids.size()) {
                throw ApiException.badRequest("'inputs." + name + "' must be a list of " + ids.size()
                        + " values, one per query, got " + kind(column) + (column.isArray() ? " of "
                        + column.size() : ""));
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            Map<String, Object> q = new LinkedHashMap<>();
            for (Iterator<String> it = inputs.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                q.put(name, value(inputs.get(name).get(i), model, name, "inputs." + name + "[" + i + "]"));
            }
            queries.add(q);
        }
        return new Predict(queries, true);
    }

    private void batchSize(int n, String field) {
        if (n == 0) {
            throw ApiException.badRequest("'" + field + "' is empty");
        }
        if (n > options.maxBatch()) {
            throw ApiException.badRequest("'" + field + "' has " + n + " queries; at most " + options.maxBatch()
                    + " a request");
        }
    }

    /** A bare value for a model whose one required input is its id. */
    private static Map<String, Object> single(JsonNode v, Servable model, String where) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put(model.queryFeature(), value(v, model, model.queryFeature(), where));
        return q;
    }

    private static Map<String, Object> query(JsonNode q, Servable model, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<String> it = q.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!model.inputNames().contains(name)) {
                throw unknownInput(where, name, model);
            }
            out.put(name, value(q.get(name), model, name, where + "." + name));
        }
        if (!out.containsKey(model.queryFeature())) {
            throw ApiException.badRequest("'" + where + "' lacks '" + model.queryFeature() + "', the query's id");
        }
        return out;
    }

    private static Object value(JsonNode v, Servable model, String input, String where) {
        if (model.isNumeric(input)) {
            if (!v.isNumber() || !Float.isFinite(v.floatValue())) {
                throw ApiException.badRequest("'" + where + "' must be a finite number, got " + kind(v));
            }
            return v.floatValue();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + where + "' must be a string, got " + kind(v));
        }
        return v.asText();
    }

    private static ApiException unknownInput(String where, String name, Servable model) {
        return ApiException.badRequest("'" + where + "' has the unknown input '" + Strings.cut(name)
                + "'; this model's inputs are " + model.inputNames());
    }

    private int k(JsonNode root) {
        JsonNode k = root.get("k");
        if (k == null) {
            return options.defaultK();
        }
        if (!k.isIntegralNumber() || !k.canConvertToInt() || k.asInt() < 1 || k.asInt() > options.maxK()) {
            throw ApiException.badRequest("'k' must be a whole number from 1 to " + options.maxK() + ", got "
                    + Strings.cut(k.toString()));
        }
        return k.asInt();
    }

    private Set<String> ids(JsonNode root, String field) {
        JsonNode list = root.get(field);
        if (list == null) {
            return Set.of();
        }
        if (!list.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be a list of ids, got " + kind(list));
        }
        if (list.size() > options.maxExclude()) {
            throw ApiException.badRequest("'" + field + "' has " + list.size() + " ids; at most "
                    + options.maxExclude());
        }
        Set<String> out = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual()) {
                throw ApiException.badRequest("'" + field + "[" + i + "]' must be a string, got " + kind(list.get(i)));
            }
            out.add(list.get(i).asText());
        }
        return out;
    }

    private static boolean bool(JsonNode root, String field, boolean otherwise) {
        JsonNode v = root.get(field);
        if (v == null) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false, got " + kind(v));
        }
        return v.asBoolean();
    }

    private static void onlyFields(JsonNode root, String... allowed) {
        List<String> known = List.of(allowed);
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiException.badRequest("unknown field '" + Strings.cut(f) + "'; this request takes " + known);
            }
        }
    }

    private static String kind(JsonNode v) {
        String shown = Strings.cut(v.toString());
        switch (v.getNodeType()) {
            case STRING: return "the string " + shown;
            case NUMBER: return "the number " + shown;
            case BOOLEAN: return shown;
            case NULL: return "null";
            case ARRAY: return "a list";
            case OBJECT: return "an object";
            default: return shown;
        }
    }
}
