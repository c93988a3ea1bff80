using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>Outbox, inbox, remembered payment outcomes and the low-stock alert flag (hand-written, see InitialSchema).</summary>
[DbContext(typeof(InventoryDbContext))]
[Migration("20261121010000_Messaging")]
public sealed class Messaging : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(
            name: "low_stock_alerted", table: "inventory_items", type: "boolean", nullable: false, defaultValue: false);

        migrationBuilder.CreateTable(
            name: "inbox_messages",
            columns: table => new
            {
                consumer = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                event_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_inbox_messages", x => new { x.consumer, x.event_id }));

        migrationBuilder.CreateTable(
            name: "outbox_messages",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                event_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                event_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                routing_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                correlation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                causation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                payload = table.Column<string>(type: "text", nullable: false),
                trace_parent = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                attempts = table.Column<int>(type: "integer", nullable: false),
                last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_outbox_messages", x => x.id));

        migrationBuilder.CreateTable(
            name: "payment_outcomes",
            columns: table => new
            {
                booking_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                result = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                event_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                correlation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_payment_outcomes", x => x.booking_id));

        migrationBuilder.CreateIndex(name: "IX_outbox_messages_event_id", table: "outbox_messages", column: "event_id", unique: true);
        migrationBuilder.CreateIndex(name: "IX_outbox_messages_unsent", table: "outbox_messages", column: "id", filter: "sent_at IS NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "inbox_messages");
        migrationBuilder.DropTable(name: "outbox_messages");
        migrationBuilder.DropTable(name: "payment_outcomes");
        migrationBuilder.DropColumn(name: "low_stock_alerted", table: "inventory_items");
    }
}
