using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>The identity rule (Reservations/BookingKey.cs): reservations are unique by booking key, not booking id.</summary>
public partial class ReservationKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_reservations_booking_id",
            table: "reservations");

        migrationBuilder.AddColumn<string>(
            name: "booking_key",
            table: "reservations",
            type: "character varying(140)",
            maxLength: 140,
            nullable: false,
            defaultValue: "");

        // Reservations made before the identity rule all count as bookings that came by message (the two kinds
        // were not told apart): their key is their booking id. Then the column gets no default, as in the model.
        migrationBuilder.Sql("UPDATE reservations SET booking_key = booking_id");
        migrationBuilder.Sql("ALTER TABLE reservations ALTER COLUMN booking_key DROP DEFAULT");

        migrationBuilder.AddColumn<string>(
            name: "origin",
            table: "reservations",
            type: "character varying(16)",
            maxLength: 16,
            nullable: false,
            defaultValue: "Message");

        migrationBuilder.CreateIndex(
            name: "IX_reservations_booking_id",
            table: "reservations",
            column: "booking_id");

        migrationBuilder.CreateIndex(
            name: "IX_reservations_booking_key",
            table: "reservations",
            column: "booking_key",
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_reservations_booking_id",
            table: "reservations");

        migrationBuilder.DropIndex(
            name: "IX_reservations_booking_key",
            table: "reservations");

        migrationBuilder.DropColumn(
            name: "booking_key",
            table: "reservations");

        migrationBuilder.DropColumn(
            name: "origin",
            table: "reservations");

        migrationBuilder.CreateIndex(
            name: "IX_reservations_booking_id",
            table: "reservations",
            column: "booking_id",
            unique: true);
    }
}
