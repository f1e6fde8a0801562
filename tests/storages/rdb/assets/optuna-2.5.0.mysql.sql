/*M!999999\- enable the sandbox mode */ 

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
DROP TABLE IF EXISTS `alembic_version`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `alembic_version` (
  `version_num` varchar(32) NOT NULL,
  PRIMARY KEY (`version_num`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `alembic_version` WRITE;
/*!40000 ALTER TABLE `alembic_version` DISABLE KEYS */;
INSERT INTO `alembic_version` VALUES
('v2.4.0.a');
/*!40000 ALTER TABLE `alembic_version` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `studies`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `studies` (
  `study_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_name` varchar(512) NOT NULL,
  PRIMARY KEY (`study_id`),
  UNIQUE KEY `ix_studies_study_name` (`study_name`)
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `studies` WRITE;
/*!40000 ALTER TABLE `studies` DISABLE KEYS */;
INSERT INTO `studies` VALUES
(3,'multi'),
(2,'second'),
(1,'single');
/*!40000 ALTER TABLE `studies` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `study_directions`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `study_directions` (
  `study_direction_id` int(11) NOT NULL AUTO_INCREMENT,
  `direction` enum('NOT_SET','MINIMIZE','MAXIMIZE') NOT NULL,
  `study_id` int(11) NOT NULL,
  `objective` int(11) NOT NULL,
  PRIMARY KEY (`study_direction_id`),
  UNIQUE KEY `study_id` (`study_id`,`objective`),
  CONSTRAINT `study_directions_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `study_directions` WRITE;
/*!40000 ALTER TABLE `study_directions` DISABLE KEYS */;
INSERT INTO `study_directions` VALUES
(1,'MINIMIZE',1,0),
(2,'MAXIMIZE',2,0),
(3,'MINIMIZE',3,0),
(4,'MAXIMIZE',3,1);
/*!40000 ALTER TABLE `study_directions` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `study_system_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `study_system_attributes` (
  `study_system_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`study_system_attribute_id`),
  UNIQUE KEY `study_id` (`study_id`,`key`),
  CONSTRAINT `study_system_attributes_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `study_system_attributes` WRITE;
/*!40000 ALTER TABLE `study_system_attributes` DISABLE KEYS */;
INSERT INTO `study_system_attributes` VALUES
(1,1,'sys_note','{\"release\": \"2.5.0\"}');
/*!40000 ALTER TABLE `study_system_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `study_user_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `study_user_attributes` (
  `study_user_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `study_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`study_user_attribute_id`),
  UNIQUE KEY `study_id` (`study_id`,`key`),
  CONSTRAINT `study_user_attributes_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `study_user_attributes` WRITE;
/*!40000 ALTER TABLE `study_user_attributes` DISABLE KEYS */;
INSERT INTO `study_user_attributes` VALUES
(1,1,'owner','\"golden\"');
/*!40000 ALTER TABLE `study_user_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_heartbeats`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_heartbeats` (
  `trial_heartbeat_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) NOT NULL,
  `heartbeat` datetime NOT NULL,
  PRIMARY KEY (`trial_heartbeat_id`),
  UNIQUE KEY `trial_id` (`trial_id`),
  CONSTRAINT `trial_heartbeats_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_heartbeats` WRITE;
/*!40000 ALTER TABLE `trial_heartbeats` DISABLE KEYS */;
/*!40000 ALTER TABLE `trial_heartbeats` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_intermediate_values`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_intermediate_values` (
  `trial_intermediate_value_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) NOT NULL,
  `step` int(11) NOT NULL,
  `intermediate_value` float NOT NULL,
  PRIMARY KEY (`trial_intermediate_value_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`step`),
  CONSTRAINT `trial_intermediate_values_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=26 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_intermediate_values` WRITE;
/*!40000 ALTER TABLE `trial_intermediate_values` DISABLE KEYS */;
INSERT INTO `trial_intermediate_values` VALUES
(1,1,0,-8.47383),
(2,1,1,-8.25518),
(3,1,2,-8.03653),
(4,2,0,0.0224093),
(5,2,1,0.0240542),
(6,2,2,0.0256992),
(7,3,0,-2.38118),
(8,3,1,-2.3796),
(9,3,2,-2.37802),
(10,4,0,8.59056),
(11,4,1,8.5967),
(12,4,2,8.60283),
(13,5,0,5.81527),
(14,5,1,6.46523),
(15,5,2,7.11519),
(16,6,0,-0.644943),
(17,6,1,-0.640826),
(18,6,2,-0.636709),
(19,7,0,5.37295),
(20,7,1,5.3817),
(21,7,2,5.39045),
(22,8,0,-3.79582),
(23,8,1,-3.78877),
(24,8,2,-3.78172),
(25,9,0,0.125);
/*!40000 ALTER TABLE `trial_intermediate_values` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_params`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_params` (
  `param_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `param_name` varchar(512) DEFAULT NULL,
  `param_value` float DEFAULT NULL,
  `distribution_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`param_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`param_name`),
  CONSTRAINT `trial_params_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=68 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_params` WRITE;
/*!40000 ALTER TABLE `trial_params` DISABLE KEYS */;
INSERT INTO `trial_params` VALUES
(1,1,'x',-8.47383,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(2,1,'lx',0.218653,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(3,1,'q',0.5,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(4,1,'i',7,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(5,1,'i_step',8,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(6,1,'i_log',2,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(7,1,'c',3,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(8,2,'x',0.0224093,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(9,2,'lx',0.00164495,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(10,2,'q',0.25,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(11,2,'i',7,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(12,2,'i_step',8,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(13,2,'i_log',34,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(14,2,'c',3,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(15,3,'x',-2.38118,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(16,3,'lx',0.00157692,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(17,3,'q',0.25,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(18,3,'i',3,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(19,3,'i_step',8,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(20,3,'i_log',1,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(21,3,'c',1,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(22,4,'x',8.59056,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(23,4,'lx',0.00613411,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(24,4,'q',0.75,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(25,4,'i',0,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(26,4,'i_step',4,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(27,4,'i_log',2,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(28,4,'c',2,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(29,5,'x',5.81527,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(30,5,'lx',0.649962,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(31,5,'q',0.5,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(32,5,'i',3,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(33,5,'i_step',0,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(34,5,'i_log',3,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(35,5,'c',1,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(36,6,'x',-0.644943,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(37,6,'lx',0.00411668,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(38,6,'q',0.5,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(39,6,'i',7,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(40,6,'i_step',4,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(41,6,'i_log',2,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(42,6,'c',0,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(43,7,'x',5.37295,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(44,7,'lx',0.00874952,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(45,7,'q',0.5,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(46,7,'i',5,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(47,7,'i_step',8,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(48,7,'i_log',5,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(49,7,'c',3,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(50,8,'x',-3.79582,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(51,8,'lx',0.00704951,'{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}'),
(52,8,'q',1,'{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}'),
(53,8,'i',3,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 1}}'),
(54,8,'i_step',2,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 0, \"high\": 10, \"step\": 2}}'),
(55,8,'i_log',4,'{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 64, \"step\": 1}}'),
(56,8,'c',1,'{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"red\", 3, 2.5, null]}}'),
(57,9,'x',1.5,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -10.0, \"high\": 10.0}}'),
(58,11,'y',0.0763083,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}'),
(59,12,'y',0.779919,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}'),
(60,13,'x',-4.23692,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -5.0, \"high\": 5.0}}'),
(61,13,'n',2,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 4, \"step\": 1}}'),
(62,14,'x',-1.81028,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -5.0, \"high\": 5.0}}'),
(63,14,'n',4,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 4, \"step\": 1}}'),
(64,15,'x',2.23465,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -5.0, \"high\": 5.0}}'),
(65,15,'n',1,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 4, \"step\": 1}}'),
(66,16,'x',-1.91987,'{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": -5.0, \"high\": 5.0}}'),
(67,16,'n',4,'{\"name\": \"IntUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 4, \"step\": 1}}');
/*!40000 ALTER TABLE `trial_params` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_system_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_system_attributes` (
  `trial_system_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`trial_system_attribute_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`key`),
  CONSTRAINT `trial_system_attributes_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=10 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_system_attributes` WRITE;
/*!40000 ALTER TABLE `trial_system_attributes` DISABLE KEYS */;
INSERT INTO `trial_system_attributes` VALUES
(1,1,'sys','[0, \"s\"]'),
(2,2,'sys','[1, \"s\"]'),
(3,3,'sys','[2, \"s\"]'),
(4,4,'sys','[3, \"s\"]'),
(5,5,'sys','[4, \"s\"]'),
(6,6,'sys','[5, \"s\"]'),
(7,7,'sys','[6, \"s\"]'),
(8,8,'sys','[7, \"s\"]'),
(9,10,'fixed_params','{\"x\": 2.0, \"i\": 3}');
/*!40000 ALTER TABLE `trial_system_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_user_attributes`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_user_attributes` (
  `trial_user_attribute_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) DEFAULT NULL,
  `key` varchar(512) DEFAULT NULL,
  `value_json` varchar(2048) DEFAULT NULL,
  PRIMARY KEY (`trial_user_attribute_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`key`),
  CONSTRAINT `trial_user_attributes_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=14 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_user_attributes` WRITE;
/*!40000 ALTER TABLE `trial_user_attributes` DISABLE KEYS */;
INSERT INTO `trial_user_attributes` VALUES
(1,1,'double_x','-16.947668425041712'),
(2,2,'double_x','0.044818546397515036'),
(3,3,'double_x','-4.762354674058464'),
(4,4,'double_x','17.181127646924857'),
(5,5,'double_x','11.630540463068595'),
(6,6,'double_x','-1.2898856102007699'),
(7,7,'double_x','10.745900260780374'),
(8,8,'double_x','-7.591630322516124'),
(9,9,'running','true'),
(10,13,'n_twice','4'),
(11,14,'n_twice','8'),
(12,15,'n_twice','2'),
(13,16,'n_twice','8');
/*!40000 ALTER TABLE `trial_user_attributes` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trial_values`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trial_values` (
  `trial_value_id` int(11) NOT NULL AUTO_INCREMENT,
  `trial_id` int(11) NOT NULL,
  `objective` int(11) NOT NULL,
  `value` float NOT NULL,
  PRIMARY KEY (`trial_value_id`),
  UNIQUE KEY `trial_id` (`trial_id`,`objective`),
  CONSTRAINT `trial_values_ibfk_1` FOREIGN KEY (`trial_id`) REFERENCES `trials` (`trial_id`)
) ENGINE=InnoDB AUTO_INCREMENT=16 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trial_values` WRITE;
/*!40000 ALTER TABLE `trial_values` DISABLE KEYS */;
INSERT INTO `trial_values` VALUES
(1,1,0,89.5245),
(2,2,0,49.2521),
(3,3,0,-2.37802),
(4,5,0,40.9673),
(5,6,0,13.9201),
(6,7,0,47.3773),
(7,8,0,24.4153),
(8,11,0,0.0763083),
(9,12,0,0.779919),
(10,13,0,17.9515),
(11,13,1,6.23692),
(12,15,0,4.99367),
(13,15,1,-1.23465),
(14,16,0,3.68591),
(15,16,1,5.91987);
/*!40000 ALTER TABLE `trial_values` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `trials`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `trials` (
  `trial_id` int(11) NOT NULL AUTO_INCREMENT,
  `number` int(11) DEFAULT NULL,
  `study_id` int(11) DEFAULT NULL,
  `state` enum('RUNNING','COMPLETE','PRUNED','FAIL','WAITING') NOT NULL,
  `datetime_start` datetime DEFAULT NULL,
  `datetime_complete` datetime DEFAULT NULL,
  PRIMARY KEY (`trial_id`),
  KEY `study_id` (`study_id`),
  CONSTRAINT `trials_ibfk_1` FOREIGN KEY (`study_id`) REFERENCES `studies` (`study_id`)
) ENGINE=InnoDB AUTO_INCREMENT=17 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `trials` WRITE;
/*!40000 ALTER TABLE `trials` DISABLE KEYS */;
INSERT INTO `trials` VALUES
(1,0,1,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(2,1,1,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(3,2,1,'PRUNED','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(4,3,1,'FAIL','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(5,4,1,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(6,5,1,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(7,6,1,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(8,7,1,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(9,8,1,'RUNNING','2026-12-06 02:13:16',NULL),
(10,9,1,'WAITING','2026-12-06 02:13:16',NULL),
(11,0,2,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(12,1,2,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(13,0,3,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(14,1,3,'FAIL','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(15,2,3,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16'),
(16,3,3,'COMPLETE','2026-12-06 02:13:16','2026-12-06 02:13:16');
/*!40000 ALTER TABLE `trials` ENABLE KEYS */;
UNLOCK TABLES;
DROP TABLE IF EXISTS `version_info`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `version_info` (
  `version_info_id` int(11) NOT NULL,
  `schema_version` int(11) DEFAULT NULL,
  `library_version` varchar(256) DEFAULT NULL,
  PRIMARY KEY (`version_info_id`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`version_info_id` = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `version_info` WRITE;
/*!40000 ALTER TABLE `version_info` DISABLE KEYS */;
INSERT INTO `version_info` VALUES
(1,12,'2.5.0');
/*!40000 ALTER TABLE `version_info` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

