using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>
/// Per-night inventory: an item's kind and time zone, the nights of nightly items (a CHECK keeps held + confirmed
/// within capacity + allowance; fillfactor 80 keeps their counter updates heap-only), the audit of calendar changes,
/// and a reservation line's stay. Existing rows are not rewritten: every new column is nullable or has a constant
/// default.
/// </summary>
public partial class NightlyInventory : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateOnly>(
            name: "check_in",
            table: "reservation_lines",
            type: "date",
            nullable: true);

        migrationBuilder.AddColumn<DateOnly>(
            name: "check_out",
            table: "reservation_lines",
            type: "date",
            nullable: true);

        migrationBuilder.AddColumn<DateOnly[]>(
            name: "overbooked_nights",
            table: "reservation_lines",
            type: "date[]",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "kind",
            table: "inventory_items",
            type: "character varying(16)",
            maxLength: 16,
            nullable: false,
            defaultValue: "Pool");

        migrationBuilder.AddColumn<string>(
            name: "time_zone",
            table: "inventory_items",
            type: "character varying(64)",
            maxLength: 64,
            nullable: true);

        migrationBuilder.CreateTable(
            name: "calendar_changes",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                from_night = table.Column<DateOnly>(type: "date", nullable: false),
                to_night = table.Column<DateOnly>(type: "date", nullable: false),
                request = table.Column<string>(type: "jsonb", nullable: false),
                nights = table.Column<string>(type: "jsonb", nullable: false),
                reason_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                performed_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_calendar_changes", x => x.id);
                table.ForeignKey(
                    name: "FK_calendar_changes_inventory_items_item_id",
                    column: x => x.item_id,
                    principalTable: "inventory_items",
                    principalColumn: "item_id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "item_nights",
            columns: table => new
            {
                item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                night = table.Column<DateOnly>(type: "date", nullable: false),
                capacity = table.Column<int>(type: "integer", nullable: false),
                held = table.Column<int>(type: "integer", nullable: false),
                confirmed = table.Column<int>(type: "integer", nullable: false),
                closed = table.Column<bool>(type: "boolean", nullable: false),
                min_stay = table.Column<int>(type: "integer", nullable: false),
                overbooking_allowance = table.Column<int>(type: "integer", nullable: false),
                low_stock_alerted = table.Column<bool>(type: "boolean", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_item_nights", x => new { x.item_id, x.night });
                table.CheckConstraint("ck_item_nights_settings", "capacity >= 0 AND overbooking_allowance >= 0 AND min_stay >= 1");
                table.CheckConstraint("ck_item_nights_within_capacity", "held >= 0 AND confirmed >= 0 AND held + confirmed <= capacity + overbooking_allowance");
                table.ForeignKey(
                    name: "FK_item_nights_inventory_items_item_id",
                    column: x => x.item_id,
                    principalTable: "inventory_items",
                    principalColumn: "item_id",
                    onDelete: ReferentialAction.Restrict);
            })
            .Annotation("Npgsql:StorageParameter:fillfactor", 80);

        migrationBuilder.AddCheckConstraint(
            name: "ck_reservation_lines_stay",
            table: "reservation_lines",
            sql: "(check_in IS NULL AND check_out IS NULL) OR check_out > check_in");

        migrationBuilder.AddCheckConstraint(
            name: "ck_inventory_items_kind",
            table: "inventory_items",
            sql: "(kind = 'Pool' AND time_zone IS NULL) OR (kind = 'Nightly' AND time_zone IS NOT NULL)");

        migrationBuilder.CreateIndex(
            name: "IX_calendar_changes_item_id_occurred_at",
            table: "calendar_changes",
            columns: new[] { "item_id", "occurred_at" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "calendar_changes");

        migrationBuilder.DropTable(
            name: "item_nights");

        migrationBuilder.DropCheckConstraint(
            name: "ck_reservation_lines_stay",
            table: "reservation_lines");

        migrationBuilder.DropCheckConstraint(
            name: "ck_inventory_items_kind",
            table: "inventory_items");

        migrationBuilder.DropColumn(
            name: "check_in",
            table: "reservation_lines");

        migrationBuilder.DropColumn(
            name: "check_out",
            table: "reservation_lines");

        migrationBuilder.DropColumn(
            name: "overbooked_nights",
            table: "reservation_lines");

        migrationBuilder.DropColumn(
            name: "kind",
            table: "inventory_items");

        migrationBuilder.DropColumn(
            name: "time_zone",
            table: "inventory_items");
    }
}
