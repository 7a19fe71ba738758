package org.recsys4j.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.recsys4j.data.CategoricalColumn;
import org.recsys4j.data.ItemCatalog;
import org.recsys4j.data.TableReadException;
import org.recsys4j.data.TableSpec;

/**
 * Reads the items table ({@code --items}): every candidate id in file order, its label and its
 * candidate features. It is small beside the interactions, so values are read as text.
 */
final class Items {
    private Items() {
    }

    static ItemCatalog read(Connection db, TableSpec spec, CategoricalColumn interactionCandidates,
            List<String> warnings) throws TableReadException {
        List<String> ids = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, List<String>> features = new LinkedHashMap<>();
        spec.candidateFeatures().forEach(f -> features.put(f, new ArrayList<>()));
        boolean query = Sources.isQuery(spec.items());
        for (Sources.Unit unit : Sources.resolve(db, query ? null : spec.items(), query ? spec.items() : null,
                "--items")) {
            Map<String, String> types = DuckDbTableReader.describe(db, unit);
            List<String> select = new ArrayList<>();
            select.add(text(types, spec.itemId(), "--item-id", unit));
            if (spec.itemLabel() != null) {
                select.add(text(types, spec.itemLabel(), "--item-label", unit));
            }
            for (String f : spec.candidateFeatures()) {
                select.add(text(types, f, "--candidate-features", unit));
            }
            String sql = "SELECT " + String.join(", ", select) + " FROM " + unit.relation();
            long row = 0;
            try (Statement st = db.createStatement(); ResultSet r = st.executeQuery(sql)) {
                while (r.next()) {
                    row++;
                    String id = r.getString(1);
                    if (id == null) {
                        throw new TableReadException(unit.name(), spec.itemId(), row, "is null (--item-id); every item"
                                + " needs an id");
                    }
                    ids.add(id);
                    int col = 2;
                    if (spec.itemLabel() != null) {
                        labels.add(r.getString(col++));
                    }
                    for (String f : spec.candidateFeatures()) {
                        String v = r.getString(col++);
                        if (v == null) {
                            throw new TableReadException(unit.name(), f, row, "is null (--candidate-features); fill it"
                                    + " in (COALESCE) with --sql");
                        }
                        features.get(f).add(v);
                    }
                }
            } catch (SQLException e) {
                throw new TableReadException(unit.name(), null, row + 1, "cannot be read: "
                        + DuckDbTableReader.clean(e), e);
            }
        }
        if (ids.isEmpty()) {
            throw new TableReadException(spec.items(), null, TableReadException.NO_ROW, "the items table has no rows");
        }
        Set<String> distinct = new HashSet<>(ids);
        if (distinct.size() < ids.size()) {
            warnings.add(spec.items() + ": " + (ids.size() - distinct.size()) + " item ids appear more than once; each"
                    + " row stays a candidate of its own, as listed");
        }
        boolean[] used = interactionCandidates.used();
        int unknown = 0;
        for (int c = 0; c < used.length; c++) {
            if (used[c] && !distinct.contains(interactionCandidates.dictionary()[c])) {
                unknown++;
            }
        }
        if (unknown > 0) {
            warnings.add(unknown + " candidate ids of the interactions are not in the items table " + spec.items()
                    + "; they are out of the vocabulary (its OOV row)");
        }
        Map<String, String[]> byFeature = new LinkedHashMap<>();
        features.forEach((f, v) -> byFeature.put(f, v.toArray(String[]::new)));
        return new ItemCatalog(ids.toArray(String[]::new),
                spec.itemLabel() != null ? labels.toArray(String[]::new) : null, byFeature);
    }

    private static String text(Map<String, String> types, String column, String option, Sources.Unit unit)
            throws TableReadException {
        DuckDbTableReader.require(types, column, option, unit);
        return "CAST(" + Sources.quoteIdentifier(column) + " AS VARCHAR)";
    }
}
