using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>
/// Hand-written (the EF Core Design package does not restore here, see docs/decisions/0001).
/// MigrationSchemaTests proves the migrated schema equals the one the model creates.
/// </summary>
[DbContext(typeof(InventoryDbContext))]
[Migration("20261121000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "inventory_items",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                location = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, defaultValue: "Main"),
                total = table.Column<int>(type: "integer", nullable: false),
                reserved = table.Column<int>(type: "integer", nullable: false),
                available = table.Column<int>(type: "integer", nullable: false, computedColumnSql: "total - reserved", stored: true),
                low_stock_threshold = table.Column<int>(type: "integer", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_inventory_items", x => x.id);
                table.UniqueConstraint("AK_inventory_items_item_id", x => x.item_id);
                table.CheckConstraint("ck_inventory_items_low_stock_threshold", "low_stock_threshold >= 0");
                table.CheckConstraint("ck_inventory_items_reserved_within_total", "reserved >= 0 AND reserved <= total");
            });

        migrationBuilder.CreateTable(
            name: "reservations",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                booking_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                user_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                released_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                release_reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                correlation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_reservations", x => x.id));

        migrationBuilder.CreateTable(
            name: "stock_adjustments",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                delta = table.Column<int>(type: "integer", nullable: false),
                reason_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                performed_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                total_after = table.Column<int>(type: "integer", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_stock_adjustments", x => x.id);
                table.CheckConstraint("ck_stock_adjustments_delta_nonzero", "delta <> 0");
                table.ForeignKey(
                    name: "FK_stock_adjustments_inventory_items_item_id",
                    column: x => x.item_id,
                    principalTable: "inventory_items",
                    principalColumn: "item_id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "reservation_lines",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                reservation_id = table.Column<Guid>(type: "uuid", nullable: false),
                item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                quantity = table.Column<int>(type: "integer", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_reservation_lines", x => x.id);
                table.CheckConstraint("ck_reservation_lines_quantity_positive", "quantity > 0");
                table.ForeignKey(
                    name: "FK_reservation_lines_inventory_items_item_id",
                    column: x => x.item_id,
                    principalTable: "inventory_items",
                    principalColumn: "item_id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "FK_reservation_lines_reservations_reservation_id",
                    column: x => x.reservation_id,
                    principalTable: "reservations",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_inventory_items_location", table: "inventory_items", column: "location");
        migrationBuilder.CreateIndex(name: "IX_reservation_lines_item_id", table: "reservation_lines", column: "item_id");
        migrationBuilder.CreateIndex(name: "IX_reservation_lines_reservation_id", table: "reservation_lines", column: "reservation_id");
        migrationBuilder.CreateIndex(name: "IX_reservations_booking_id", table: "reservations", column: "booking_id", unique: true);
        migrationBuilder.CreateIndex(name: "IX_reservations_expires_at", table: "reservations", column: "expires_at", filter: "status = 'Reserved'");
        migrationBuilder.CreateIndex(name: "IX_stock_adjustments_item_id_occurred_at", table: "stock_adjustments", columns: ["item_id", "occurred_at"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "reservation_lines");
        migrationBuilder.DropTable(name: "stock_adjustments");
        migrationBuilder.DropTable(name: "reservations");
        migrationBuilder.DropTable(name: "inventory_items");
    }
}
