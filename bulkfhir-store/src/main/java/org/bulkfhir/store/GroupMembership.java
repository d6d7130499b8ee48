package org.bulkfhir.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bulkfhir.store.write.Write;

/**
 * Keeps {@code group_member} in step with Group versions: a member that appears gets a row
 * opened at the version's instant, one that disappears has its row closed. An export then asks
 * for members as of its snapshot, and can tell who joined after {@code _since}.
 */
final class GroupMembership implements AutoCloseable {
    private final PreparedStatement open;
    private final PreparedStatement add;
    private final PreparedStatement remove;

    GroupMembership(Connection c) throws SQLException {
        open = c.prepareStatement("SELECT member_type, member_id FROM group_member WHERE group_id = ? AND removed_at IS NULL");
        add = c.prepareStatement("INSERT INTO group_member (group_id, member_type, member_id, added_at) VALUES (?,?,?,?)");
        remove = c.prepareStatement("UPDATE group_member SET removed_at = ? WHERE group_id = ? AND member_type = ?"
                + " AND member_id = ? AND removed_at IS NULL");
    }

    void change(String groupId, List<Write.Member> members, long at) throws SQLException {
        Set<Write.Member> before = new HashSet<>();
        open.setString(1, groupId);
        try (ResultSet rs = open.executeQuery()) {
            while (rs.next()) {
                before.add(new Write.Member(rs.getString(1), rs.getString(2)));
            }
        }
        Set<Write.Member> after = new LinkedHashSet<>(members);
        for (Write.Member m : after) {
            if (!before.contains(m)) {
                add.setString(1, groupId);
                add.setString(2, m.type());
                add.setString(3, m.id());
                add.setLong(4, at);
                add.addBatch();
            }
        }
        for (Write.Member m : before) {
            if (!after.contains(m)) {
                remove.setLong(1, at);
                remove.setString(2, groupId);
                remove.setString(3, m.type());
                remove.setString(4, m.id());
                remove.addBatch();
            }
        }
        add.executeBatch();
        remove.executeBatch();
    }

    @Override
    public void close() throws SQLException {
        open.close();
        add.close();
        remove.close();
    }
}
